from camwatch.cli import main

main()
