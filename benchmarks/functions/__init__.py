"""Lambda functions the emulator benchmark runs beside snowleap's (each a handler module)."""
