"""I/O in: fetch a feed (conditional GET, size and time limits, SSRF guard), parse it into stories, and
the polling schedule that runs the matcher over what came in and writes the store."""
