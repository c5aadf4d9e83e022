"""Template context shared by every page: the main navigation."""

from wagtail.models import Site


def navigation(request):
    """The pages shown in the main menu: live children of the site's root with show_in_menus."""

    def menu():
        site = Site.find_for_request(request)
        if site is None:
            return []
        return list(site.root_page.get_children().live().public().in_menu().specific())

    return {"main_menu": menu}
