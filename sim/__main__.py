from sim.app.launch import main

main()
