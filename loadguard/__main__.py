from loadguard.cli import main

main()
