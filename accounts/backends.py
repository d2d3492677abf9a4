from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login through a request (the
    login page, the admin). ``authenticate()`` without a request (tests'
    ``Client.login``, code) has no address to lock and is left to the next
    backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
