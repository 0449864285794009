"""``python -m confvault_lab``: the lab's command line (what ``confvault lab`` mounts)."""

from confvault_lab.cli import main

main()
