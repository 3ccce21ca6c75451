"""The e-mail of a notice: headers a strict mail server accepts, whatever the notice's key holds."""

from __future__ import annotations

from pipeline.config import NoticeSettings
from pipeline.infra.mail import compose


def test_the_message_id_carries_the_key_and_stays_well_formed_when_the_key_holds_an_address() -> None:
    settings = NoticeSettings(enabled=True, sender="kim@balangankab.example", reply_to="kim-balas@balangankab.example")
    key = "complaint_received:PG-20261122-0001:41:warga@mail.example.id"
    message = compose(settings, "warga@mail.example.id", "Pengaduan diterima", "Isi.", key)
    message_id = str(message["Message-ID"])
    assert message_id.startswith("<") and message_id.endswith("@balangankab.example>")
    assert message_id.count("@") == 1
    assert "complaint_received.PG-20261122-0001.41.warga=mail.example.id@" in message_id
    assert message["Reply-To"] == "kim-balas@balangankab.example"
