"""The one exception a domain raises to refuse a decision. It imports nothing, so domain code
can use it; the command bus turns it into a rejection with its message as the reason."""


class Refused(Exception):
    """A decision refused; the message is the reason shown to whoever asked."""
