from sim.app.cli import main

main()
