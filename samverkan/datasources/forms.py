import io
import zipfile

from django import forms
from django.utils.translation import gettext_lazy as _

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
        return uploads

    def name_and_data(self) -> tuple[str, bytes]:
        """One upload as it is; several (a shapefile's parts) packed into one zip, kept as the original."""
        uploads = self.cleaned_data["file"]
        if len(uploads) == 1:
            return uploads[0].name, uploads[0].read()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for upload in sorted(uploads, key=lambda u: u.name):
                info = zipfile.ZipInfo(upload.name, date_time=(1980, 1, 1, 0, 0, 0))
                archive.writestr(info, upload.read())
        stem = sorted(uploads, key=lambda u: u.name)[0].name.rsplit(".", 1)[0]
        return f"{stem}.zip", buffer.getvalue()
