from balance.cli import main

raise SystemExit(main())
