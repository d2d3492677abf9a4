"""The reply form's markup, written in Python.

The reply link is the page every unit opens in conference week
(benchmarks/replies_load.py). Its form went through Django's form templates
(crispy-forms), then through a template written out field by field; even so,
it took two thirds of the page's rendering: dozens of variable lookups,
conditions and translations per field. Here each field is one
``format_html`` call, with the markup the Bootstrap 5 pack of crispy-forms
gives (ids, classes, ``required``, errors in ``invalid-feedback``), so the
page, its script (static/js/reply.js) and its tests are unchanged.

Everything that comes from the user or the database goes through
``format_html`` (this module's: Django's without its lazy-argument check,
which cost a third of the form): escaped.
"""

from __future__ import annotations

import html

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .forms import BaseDelegateFormSet, ReplyForm


class _Html(str):
    """Markup built here: inserted as it is into other markup."""

    def __html__(self) -> str:
        return self


def _escape(value) -> str:
    if hasattr(value, "__html__"):  # markup already (built here, or a SafeString)
        return value.__html__()
    return html.escape(str(value))


def format_html(template: str, *args) -> _Html:
    """Django's ``format_html``, without its check for lazy arguments at every
    call (a third of the form's cost): every argument is escaped unless it is
    markup (``__html__``)."""
    return _Html(template.format(*(_escape(arg) for arg in args)))


def format_html_join(separator: str, template: str, rows) -> _Html:
    return _Html(separator.join(format_html(template, *row) for row in rows))


def _invalid(errors) -> str:
    return " is-invalid" if errors else ""


def _feedback(errors, element: str = "span", extra: str = "") -> _Html:
    return format_html_join(
        "", '<{} class="invalid-feedback{}"><strong>{}</strong></{}>', ((element, extra, error, element) for error in errors)
    )


def _label_class(required: bool) -> str:
    return "form-label requiredField" if required else "form-label"


def _asterisk(required: bool) -> _Html:
    return _Html('<span class="asteriskField">*</span>' if required else "")


def _value(value) -> str:
    return "" if value is None else str(value)


def _attending(form: ReplyForm) -> _Html:
    field, bound = form.fields["attending"], form["attending"]
    errors, value = bound.errors, bound.value()
    choices = format_html_join(
        "",
        '\n    <div class="form-check"><input type="radio" class="form-check-input{}" name="attending" value="{}" '
        'id="id_attending_{}" required{}><label for="id_attending_{}" class="form-check-label">{}</label></div>',
        (
            (_invalid(errors), choice, index, " checked" if value == choice else "", index, label)
            for index, (choice, label) in enumerate(field.choices)
        ),
    )
    return format_html(
        '<div id="div_id_attending" class="mb-3"><fieldset><legend class="form-label requiredField fs-6">{}'
        '<span class="asteriskField">*</span></legend>\n  <div{}>{}\n  </div>{}</fieldset></div>',
        bound.label,
        _Html(' class="is-invalid"') if errors else "",
        choices,
        _feedback(errors, "div", " d-block"),
    )


def _delegate_count(form: ReplyForm) -> _Html:
    field, bound = form.fields["delegate_count"], form["delegate_count"]
    value = bound.value()
    help_text = field.help_text
    return format_html(
        '<div id="div_id_delegate_count" class="mb-3"><label for="id_delegate_count" class="form-label">{}</label>\n'
        '  <input type="number" name="delegate_count"{} min="0" max="999" class="numberinput form-control{}" '
        'id="id_delegate_count"{}>\n  {}{}</div>',
        bound.label,
        format_html(' value="{}"', value) if value or value == 0 else "",
        _invalid(bound.errors),
        _Html(' aria-describedby="id_delegate_count_helptext"') if help_text else "",
        _feedback(bound.errors),
        format_html('<div id="id_delegate_count_helptext" class="form-text">{}</div>', help_text) if help_text else "",
    )


def _textarea(form: ReplyForm, name: str) -> _Html:
    bound = form[name]
    return format_html(
        '<div id="div_id_{}" class="mb-3"><label for="id_{}" class="form-label">{}</label>\n'
        '  <textarea name="{}" cols="40" rows="2" class="textarea form-control{}" id="id_{}">\n{}</textarea>{}</div>',
        name,
        name,
        bound.label,
        name,
        _invalid(bound.errors),
        name,
        _value(bound.value()),
        _feedback(bound.errors),
    )


def _text(form: ReplyForm, name: str, max_length: int) -> _Html:
    field, bound = form.fields[name], form[name]
    value = bound.value()
    return format_html(
        '<div id="div_id_{}" class="mb-3"><label for="id_{}" class="{}">{}{}</label>\n'
        '  <input type="text" name="{}"{} maxlength="{}" class="textinput form-control{}"{} id="id_{}">{}</div>',
        name,
        name,
        _label_class(field.required),
        bound.label,
        _asterisk(field.required),
        name,
        format_html(' value="{}"', value) if value else "",
        max_length,
        _invalid(bound.errors),
        _Html(" required") if field.required else "",
        name,
        _feedback(bound.errors),
    )


def _connection_tested(form: ReplyForm) -> _Html:
    bound = form["connection_tested"]
    return format_html(
        '<div id="div_id_connection_tested" class="mb-3"><div class="form-check">\n'
        '  <input type="checkbox" name="connection_tested" class="checkboxinput form-check-input{}" '
        'id="id_connection_tested"{}><label for="id_connection_tested" class="form-check-label">{}</label>{}</div></div>',
        _invalid(bound.errors),
        _Html(" checked") if bound.value() else "",
        bound.label,
        _feedback(bound.errors),
    )


def _channel(form: ReplyForm) -> _Html:
    field, bound = form.fields["channel"], form["channel"]
    value = bound.value()
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((choice, " selected" if value == choice else "", label) for choice, label in field.choices),
    )
    return format_html(
        '<div id="div_id_channel" class="mb-3"><label for="id_channel" class="{}">{}{}</label>\n'
        '  <select name="channel" class="select form-select{}"{} id="id_channel">{}</select>\n  {}</div>',
        _label_class(field.required),
        bound.label,
        _asterisk(field.required),
        _invalid(bound.errors),
        _Html(" required") if field.required else "",
        options,
        _feedback(bound.errors),
    )


def _non_field_errors(form: ReplyForm) -> _Html:
    errors = form.non_field_errors()
    if not errors:
        return _Html("")
    items = format_html_join("\n", "<li>{}</li>", ((error,) for error in errors))
    return format_html('<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>', items)


def _delegates(formset: BaseDelegateFormSet) -> _Html:
    management = formset.management_values()
    hidden = format_html_join(
        "",
        '<input type="hidden" name="delegates-{}" value="{}" id="id_delegates-{}">',
        ((name, _value(management[name]), name) for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")),
    )
    non_form_errors = formset.non_form_errors() if formset.is_bound else ()
    name_placeholder, title_placeholder = gettext("Full name"), gettext("Title")
    rows = format_html_join(
        "",
        '\n    <div class="row g-2 mb-1" data-delegate-row>\n      <div class="col-md-5">\n'
        '        <label class="visually-hidden" for="id_delegates-{0}-full_name">{1}</label>\n'
        '        <input class="form-control{2}" type="text" name="delegates-{0}-full_name" id="id_delegates-{0}-full_name" '
        'value="{3}" maxlength="150" placeholder="{4}">\n        {5}\n      </div>\n      <div class="col-md-7">\n'
        '        <label class="visually-hidden" for="id_delegates-{0}-title">{6}</label>\n'
        '        <input class="form-control" type="text" name="delegates-{0}-title" id="id_delegates-{0}-title" '
        'value="{7}" maxlength="200" placeholder="{8}">\n      </div>\n    </div>',
        (
            (
                row.index,
                row.name_label,
                _invalid(row.errors),
                row.full_name,
                name_placeholder,
                format_html_join("", '<div class="invalid-feedback">{}</div>', ((error,) for error in row.errors)),
                row.title_label,
                row.title,
                title_placeholder,
            )
            for row in formset.rows()
        ),
    )
    return format_html(
        '<fieldset class="mb-3" data-delegates>\n  <legend class="h6">{}</legend>\n  {}\n  {}\n'
        "  <div data-delegate-rows>{}\n  </div>\n"
        '  <button class="btn btn-sm btn-outline-secondary" type="button" data-add-delegate>{}</button>\n</fieldset>',
        gettext("Delegates (name and title)"),
        hidden,
        format_html('<div class="alert alert-danger" role="alert">{}</div>', non_form_errors) if non_form_errors else "",
        rows,
        gettext("Add a delegate"),
    )


def reply_form_html(form: ReplyForm, formset: BaseDelegateFormSet) -> SafeString:
    """The fields of the reply form and its delegate rows (the ``<form>``, its
    token and its button are the page's)."""
    parts = [
        _non_field_errors(form),
        _attending(form),
        _delegate_count(form),
        _textarea(form, "over_quota_reason"),
        _text(form, "contact_name", 150),
        _text(form, "contact_phone", 40),
    ]
    if "connection_tested" in form.fields:
        parts.append(_connection_tested(form))
    parts.append(_textarea(form, "note"))
    if "channel" in form.fields:
        parts.append(_channel(form))
    parts.append(_delegates(formset))
    return mark_safe("\n".join(parts))  # noqa: S308  (every part is _Html: built with its values escaped)
