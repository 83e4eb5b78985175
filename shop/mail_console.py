"""Mail printed on the console as a person reads it (the default when EMAIL_URL is empty).

Django's console backend prints the encoded message: a body with a line longer than 78
characters, such as a sign-up link, goes out quoted-printable, so the link is broken over
two lines with an "=" that nobody can paste into a browser. This one prints the headers a
reader needs and the text itself.
"""

from django.core.mail.backends.console import EmailBackend


class ReadableConsoleBackend(EmailBackend):
    def write_message(self, message):
        headers = {
            "From": message.from_email,
            "To": ", ".join(message.to),
            "Cc": ", ".join(message.cc),
            "Subject": message.subject,
        }
        lines = [f"{name}: {value}" for name, value in headers.items() if value]
        self.stream.write("\n".join(lines) + "\n\n" + message.body.rstrip("\n") + "\n")
        self.stream.write("-" * 79 + "\n")
