"""What a value says against the same period a year before, in words: one function for
the district page, its CSV, the yearly compilation (page, PDF, Word, Excel) and the API."""

from django.utils.translation import gettext as _


def p_text(p: float) -> str:
    """A p-value as a reader takes it: three decimals, "< 0,001" rather than "0,000"."""
    return "< 0,001" if p < 0.001 else f"= {p:.3f}".replace(".", ",")


def change_reading(*, p: float | None, significant: bool, rose: bool | None, counts: bool) -> str:
    """ "↑ significantly more than the year before (p = 0,012)", "no significant change from
    the year before", or "" where there was nothing to compare. Counts are more or fewer;
    rates and shares higher or lower."""
    if p is None:
        return ""
    if not significant or rose is None:
        return _("no significant change from the year before (p %(p)s)") % {"p": p_text(p)}
    if counts:
        words = (
            _("significantly more than the year before")
            if rose
            else _("significantly fewer than the year before")
        )
    else:
        words = (
            _("significantly higher than the year before")
            if rose
            else _("significantly lower than the year before")
        )
    return f"{'↑' if rose else '↓'} {words} (p {p_text(p)})"
