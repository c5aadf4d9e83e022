"""Template context shared by every page: the main navigation."""

from .navigation import main_menu


def navigation(request):
    """The pages shown in the main menu (cached until the next publish: cms.navigation)."""
    return {"main_menu": lambda: main_menu(request)}
