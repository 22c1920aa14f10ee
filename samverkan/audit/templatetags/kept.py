"""`{% kept "name" "app,app" vary… %}…{% endkept %}`: a fragment rendered
once per change to those apps' data (samverkan.audit.stamps), per language
and per vary value, then served as rendered. For what is the same for
everyone who may see the page: no form (its CSRF token is the reader's),
nothing that depends on who reads it unless that is among the vary values."""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from samverkan.audit.stamps import kept

register = template.Library()


class KeptNode(template.Node):
    def __init__(
        self,
        nodelist: template.NodeList,
        name: template.base.FilterExpression,
        apps: template.base.FilterExpression,
        vary: list[template.base.FilterExpression],
    ) -> None:
        self.nodelist, self.name, self.apps, self.vary = nodelist, name, apps, vary

    def render(self, context: template.Context) -> SafeString:
        key = ":".join(str(part.resolve(context)) for part in [self.name, *self.vary])
        apps = str(self.apps.resolve(context)).split(",")
        return mark_safe(kept(f"fragment:{key}", apps, lambda: str(self.nodelist.render(context))))  # noqa: S308 - rendered by the template engine, escaped there


@register.tag("kept")
def do_kept(parser: template.base.Parser, token: template.base.Token) -> Any:
    bits = token.split_contents()[1:]
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            '{% kept %} needs a name and the apps it reads: {% kept "name" "app,app" %}'
        )
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(
        nodelist,
        parser.compile_filter(bits[0]),
        parser.compile_filter(bits[1]),
        [parser.compile_filter(b) for b in bits[2:]],
    )
