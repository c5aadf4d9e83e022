"""allauth's e-mails (confirmations, password resets) through the outbox, like every other.

A sign-up commits together with its confirmation e-mail; with the mail server or the broker
down, the e-mail waits in the outbox instead of failing the request or being lost.
"""

from enterprises.adapters import AccountAdapter as EnterpriseAccountAdapter

from . import services


class AccountAdapter(EnterpriseAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, self.mail_context(email, context))
        html = next(
            (
                content
                for content, mime in getattr(message, "alternatives", [])
                if mime == "text/html"
            ),
            "",
        )
        services.send_email(message.to, message.subject, message.body, html)
