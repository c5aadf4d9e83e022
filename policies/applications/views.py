"""The applicant's pages: start, the task list and its sections, check and submit, status."""

from django.http import HttpResponse


def index(request):  # placeholder
    return HttpResponse("")
