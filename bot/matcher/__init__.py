"""The pure matcher: feed entry -> story -> attacks -> incident changes. No I/O, no clock, no event loop:
the time is passed in (tests/test_layering.py checks it). pipeline.py is the entry the rest of the code calls."""
