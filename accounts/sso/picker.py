"""The sign-in page's "use your school account": a person names their school by its
code or by their e-mail address, and sees that school's buttons only (the page
never lists every school)."""

from django import forms

from accounts.models import School, SchoolIdentity


class SchoolPickForm(forms.Form):
    school = forms.CharField(
        label="Your school e-mail address or school code",
        max_length=254,
        help_text="For example amira.khan@northfield.sch.uk, or the code your school gave you.",
    )

    def clean_school(self) -> School:
        typed = self.cleaned_data["school"].strip()
        school = school_named_by(typed)
        if school is None:
            raise forms.ValidationError(
                "No school here signs in with that address or code. Check it, or sign in "
                "with your username and password."
            )
        if not sign_ins_of(school):
            raise forms.ValidationError(
                f"{school.name} has not set up signing in with its school accounts yet: "
                "sign in with your username and password."
            )
        return school


def school_named_by(typed: str) -> School | None:
    """The school whose code is typed, or whose e-mail domains hold the address."""
    typed = typed.strip().lower()
    if not typed:
        return None
    if "@" not in typed:
        return School.objects.filter(code__iexact=typed).first()
    domain = typed.rpartition("@")[2]
    for school in School.objects.exclude(email_domains="").only("pk", "email_domains", "name"):
        if domain in school.domains():
            return school
    return None


def sign_ins_of(school: School) -> list[SchoolIdentity]:
    return list(school.identities.filter(enabled=True).select_related("school"))


BUTTON_WORDS = {"microsoft": "Sign in with Microsoft", "google": "Sign in with Google"}
