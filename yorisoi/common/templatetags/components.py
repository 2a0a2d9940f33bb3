"""Tags behind the shared page components in templates/components/ (tabs, pagination links).

The markup lives in the component templates; these tags only gather what the templates cannot:
the list of tabs (each page's nav file says which tabs it has and who sees them) and a page link
that keeps the current filters.
"""

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.safestring import mark_safe

register = template.Library()

_TABS_KEY = "_component_tabs"


class TabsNode(template.Node):
    def __init__(self, nodelist, label, current):
        self.nodelist, self.label, self.current = nodelist, label, current

    def render(self, context):
        items = []
        with context.push({_TABS_KEY: items}):
            self.nodelist.render(context)
        current = self.current.resolve(context)
        for item in items:
            item["current"] = current is not None and item["key"] == current
        component = context.template.engine.get_template("components/_tabs.html")
        with context.push(label=self.label.resolve(context), items=items):
            return component.render(context)


class TabNode(template.Node):
    def __init__(self, nodelist, key, url_name, args):
        self.nodelist, self.key, self.url_name, self.args = nodelist, key, url_name, args

    def render(self, context):
        items = context.get(_TABS_KEY)
        if items is None:
            raise template.TemplateSyntaxError("{% tab %} is only allowed inside {% tabs %}")
        args = [arg.resolve(context) for arg in self.args]
        # the label is this template's own output, its variables already escaped
        text = mark_safe(self.nodelist.render(context).strip())
        items.append({"key": self.key.resolve(context), "text": text,
                      "href": reverse(self.url_name.resolve(context), args=args)})
        return ""


@register.tag
def tabs(parser, token):
    """{% tabs "監査のメニュー" current=tab %}{% tab "audit" "privacy:audit" %}アクセスログ{% endtab %}…{% endtabs %}

    Renders components/_tabs.html; the tab whose key equals `current` gets aria-current="page".
    Tabs may sit inside {% if %} so that a role sees only its own tabs.
    """
    bits = token.split_contents()
    if len(bits) != 3 or not bits[2].startswith("current="):
        raise template.TemplateSyntaxError('usage: {% tabs "label" current=variable %}')
    label = parser.compile_filter(bits[1])
    current = parser.compile_filter(bits[2].removeprefix("current="))
    nodelist = parser.parse(("endtabs",))
    parser.delete_first_token()
    return TabsNode(nodelist, label, current)


@register.tag
def tab(parser, token):
    """{% tab "key" "app:url_name" arg1 … %}label{% endtab %}"""
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError('usage: {% tab "key" "app:url_name" [args] %}label{% endtab %}')
    key, url_name, *args = (parser.compile_filter(bit) for bit in bits[1:])
    nodelist = parser.parse(("endtab",))
    parser.delete_first_token()
    return TabNode(nodelist, key, url_name, args)


@register.simple_tag(takes_context=True)
def page_href(context, number, param="page", url="", anchor=""):
    """The link to page `number`: the current URL's filters kept, only the page changed.

    With `url` (a list shown inside another page, e.g. the timeline on the case page) the link goes
    there with only the page number, since the current request may be an htmx fragment's POST.
    """
    if url:
        query = QueryDict(mutable=True)
    else:
        request = context.get("request")
        query = request.GET.copy() if request is not None else QueryDict(mutable=True)
        url = request.path if request is not None else ""
        for key in [key for key, values in query.lists() if not any(values)]:
            del query[key]
    query[param] = number
    return f"{url}?{query.urlencode()}{anchor}"
