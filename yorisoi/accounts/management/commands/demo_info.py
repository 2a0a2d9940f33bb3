import base64

from django.core.management.base import BaseCommand

from yorisoi.accounts.demo import DEMO_PASSWORD, DEMO_STAFF, demo_totp_key


class Command(BaseCommand):
    help = "デモ用ログイン情報を表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--address", default="127.0.0.1:8000",
                            help="サーバーのアドレスとポート（make run が PORT から渡します）")

    def handle(self, *args, **options):
        w = self.stdout.write
        address = options["address"]
        w("")
        w("=" * 72)
        w(f" 寄り添い デモ環境  http://{address}/")
        w("=" * 72)
        w(f" パスワード（全員共通）: {DEMO_PASSWORD}")
        w(" ユーザー名:")
        for username, family, given, _kana, role in DEMO_STAFF:
            w(f"   {username:<9} {family} {given}（{role.label}）")
        w("")
        w(" 二要素認証: ログイン後に6桁の確認コードを聞かれます。別の端末で次を実行すると表示されます:")
        w("   make otp USER=soudan1        （.venv/bin/python manage.py demo_otp soudan1 と同じ）")
        w(" 認証アプリに登録する場合は、次のキーを手入力してください（デモ専用の固定キー）:")
        for username, *_ in DEMO_STAFF:
            secret = base64.b32encode(bytes.fromhex(demo_totp_key(username))).decode()
            w(f"   {username:<9} {secret}")
        w("=" * 72)
        w(" Demo: log in with a user name above and the password; for the one-time code run")
        w("       `make otp USER=<name>` in another terminal, or add the key above to an authenticator app.")
        w("=" * 72)
