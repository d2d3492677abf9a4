from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class InterfaceLanguageMiddleware:
    """Vietnamese unless the user chose another language.

    Django's LocaleMiddleware follows the browser's Accept-Language, which
    would show English to every civil servant whose browser is set to
    English. Here only an explicit choice (the language cookie written by
    the ``set_language`` view) changes the interface language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = dict(settings.LANGUAGES)

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
