from saywho.cli import main

raise SystemExit(main())
