"""What a response may carry: PDF, Word (.docx) or text files up to 20 MB.
Every part of an attachment is read for personal identity numbers by
samverkan.core.file_texts before it is kept."""

ATTACHMENT_TYPES = {".pdf", ".docx", ".txt"}
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
