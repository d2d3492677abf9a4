"""Invitations (Giấy mời), the mail outbox, replies and check-in.

The models arrive with the invitations issue; the app is installed now so
that its migrations start from the foundation.
"""
