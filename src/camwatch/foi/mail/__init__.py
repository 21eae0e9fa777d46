"""Mail in and out for FOI campaigns: parse.py reads a message (pure), smtp.py opens an SMTP
session, outgoing.py sends and records, incoming.py matches and records replies, imap.py
polls a mailbox."""
