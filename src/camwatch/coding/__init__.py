"""Response coding: FOI replies and their attachments in, suggested facts with their
evidence out, and a person confirms each one.

The reading (`documents`, `readers`) and the extraction (`extract` and its parts) are pure
libraries with no Django import, so `camwatch coding extract FILE` runs without a
database. The Django app around them stores documents, queues suggestions for review and
turns accepted ones into Holdings.
"""
