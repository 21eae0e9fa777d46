"""Containers: an email with its attachments, and ZIP archives. Each file inside is read as
a document of its own; one that cannot be read is reported and the rest carry on.

Archive bombs are refused by the declared sizes before anything is unpacked, and by the
bytes actually unpacked, since declared sizes can lie."""

from __future__ import annotations

import io
import zipfile

from camwatch.coding.documents import Context, Document, DocumentError, read_into
from camwatch.foi.mail.parse import MailError, parse

SKIPPED_MEMBERS = ("__MACOSX/", ".DS_Store", "Thumbs.db")
CHUNK = 1024 * 1024


def _deeper(document: Document, context: Context, depth: int) -> int:
    if depth >= context.limits.max_depth:
        raise DocumentError(
            document.name,
            f"nested more than {context.limits.max_depth} containers deep "
            "(CAMWATCH_CODING_MAX_DEPTH)",
        )
    return depth + 1


def read_eml(document: Document, data: bytes, context: Context, depth: int) -> None:
    try:
        message = parse(data)
    except MailError as error:
        raise DocumentError(document.name, f"not a readable email ({error})") from error
    header = [f"From: {message.sender}", f"Subject: {message.subject}"]
    if message.date:
        header.append(f"Date: {message.date:%d %B %Y}")
    document.add_page("\n".join(header) + "\n\n" + message.text)
    if not message.attachments:
        return
    inner = _deeper(document, context, depth)
    if len(message.attachments) > context.limits.max_members:
        raise DocumentError(document.name, "more attachments than CAMWATCH_CODING_MAX_MEMBERS")
    for attachment in message.attachments:
        context.spend(document.name, len(attachment.data))
        child = f"{document.name}/{attachment.filename or 'attachment'}"
        read_into(context, child, attachment.data, inner, parent=document.name)


def read_zip(document: Document, data: bytes, context: Context, depth: int) -> None:
    inner = _deeper(document, context, depth)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if _wanted(m)]
    except (zipfile.BadZipFile, ValueError) as error:
        raise DocumentError(document.name, f"a damaged ZIP archive ({error})") from error
    _check_declared(document, members, context)
    names = []
    for member in members:
        child = f"{document.name}/{member.filename}"
        try:
            content = _unpack(archive, member, child, context)
        except DocumentError as error:
            context.reading.errors.append(error)
            continue
        names.append(member.filename)
        read_into(context, child, content, inner, parent=document.name)
    document.add_page("Archive contents:\n" + "\n".join(names))


def _wanted(member: zipfile.ZipInfo) -> bool:
    return not member.is_dir() and not any(s in member.filename for s in SKIPPED_MEMBERS)


def _check_declared(document: Document, members: list[zipfile.ZipInfo], context: Context) -> None:
    limits = context.limits
    if len(members) > limits.max_members:
        raise DocumentError(
            document.name,
            f"{len(members):,} files is more than CAMWATCH_CODING_MAX_MEMBERS "
            f"({limits.max_members:,})",
        )
    declared = sum(member.file_size for member in members)
    if context.expanded + declared > limits.max_expanded_bytes:
        raise DocumentError(
            document.name,
            f"declares {declared:,} unpacked bytes, more than CAMWATCH_CODING_MAX_EXPANDED_BYTES "
            f"({limits.max_expanded_bytes:,}); refused as a possible archive bomb",
        )


def _unpack(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, context: Context
) -> bytes:
    """The member's bytes, stopping as soon as it outgrows its ratio or the file's budget."""
    most = min(context.limits.max_file_bytes, context.limits.most_unpacked(member.compress_size))
    out = io.BytesIO()
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                out.write(chunk)
                context.spend(name, len(chunk))
                if out.tell() > most:
                    raise DocumentError(
                        name,
                        f"unpacks to more than {most:,} bytes (compression ratio over "
                        f"{context.limits.max_ratio}:1, CAMWATCH_CODING_MAX_RATIO); "
                        "refused as a possible archive bomb",
                    )
    except RuntimeError as error:  # an encrypted member
        raise DocumentError(name, f"an encrypted archive member ({error})") from error
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise DocumentError(name, f"a damaged archive member ({error})") from error
    return out.getvalue()
