from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.core.forms import choice
from samverkan.core.personal_data import refuse_identity_number_in_name
from samverkan.datasources.files import pack
from samverkan.datasources.formats import kind_choices

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One file, or the parts of a shapefile (.shp, .shx, .dbf, .prj, .cpg) together."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            if not data:  # nothing chosen: the field's "required" message, not an empty list
                return [super().clean(None, initial)]
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Source"), choices=kind_choices)
    file = MultipleFileField(
        label=_("File"),
        help_text=_(
            "CSV/TXT, XLSX, XLS or JSON as exported from the source; a shapefile zipped or as its separate files."
        ),
    )

    def clean_file(self):
        uploads = self.cleaned_data["file"]
        if sum(u.size for u in uploads) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        for upload in uploads:
            refuse_identity_number_in_name(upload.name or "")
        return uploads

    def name_and_data(self) -> tuple[str, bytes]:
        """One upload as it is; several (a shapefile's parts) packed into one zip, kept as the original."""
        return pack([(upload.name, upload.read()) for upload in self.cleaned_data["file"]])


class FieldChoiceForm(forms.Form):
    """Which of a file's fields holds the names, and which the codes."""

    name_field = forms.ChoiceField(label=_("Names of the areas"))
    code_field = forms.ChoiceField(label=_("Codes of the areas"), required=False)

    def __init__(self, *args, fields: list[dict], chosen: dict[str, str], **kwargs):
        kwargs.setdefault("initial", chosen)
        super().__init__(*args, **kwargs)
        options = [(f["name"], f["name"]) for f in fields]
        choice(self, "name_field").choices = options
        choice(self, "code_field").choices = [("", _("No code field")), *options]
