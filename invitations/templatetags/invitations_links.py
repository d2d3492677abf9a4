from django import template

from invitations import permissions, services

register = template.Library()


@register.inclusion_tag("invitations/_plan_link.html", takes_context=True)
def invitations_link(context, plan):
    """The Invitations card of a plan's page, for the organiser of an issued conference plan."""
    user = context["request"].user
    return {"plan": plan, "show": permissions.is_organiser(user, plan) and services.can_invite(plan)}
