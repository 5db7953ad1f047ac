from bot.server.cli import main

raise SystemExit(main())
