from django import template

from invitations.reply_form import reply_form_html

register = template.Library()


@register.simple_tag
def reply_form(form, formset):
    """The reply form's fields and delegate rows (invitations.reply_form)."""
    return reply_form_html(form, formset)
