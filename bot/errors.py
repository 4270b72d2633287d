"""Errors that the edges turn into one clear line for a person."""


class SiteWatchError(Exception):
    """Base of every error SiteWatch reports to a person."""


class ConfigError(SiteWatchError):
    """The config file is missing, unreadable or invalid; the message names the key and line."""


class FeedError(SiteWatchError):
    """A feed file or response that is not a readable feed."""


class StoreError(SiteWatchError):
    """The store cannot be opened or migrated."""


class CommandError(SiteWatchError):
    """A lookup command cannot answer: the message is shown to the person who asked, privately."""
