from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from accounts.roles import home_url_name


@login_required
def home(request):
    """Each role lands on its own home page."""
    return redirect(home_url_name(request.user))
