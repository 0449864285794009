"""``python -m confvault.lab``: the lab's command line (what ``confvault lab`` mounts)."""

from confvault.lab.cli import main

main()
