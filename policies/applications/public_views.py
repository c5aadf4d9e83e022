"""The public notice (公示) of approved applications."""

from django.http import HttpResponse


def notice_list(request):  # placeholder until the public notice page lands
    return HttpResponse("")
