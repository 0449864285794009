from confvault.cli import main

main()
