from kzdata.cli import main

raise SystemExit(main())
