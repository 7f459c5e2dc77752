from statusbook.cli import main

main()
