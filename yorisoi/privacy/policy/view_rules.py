"""The rules that mark every view: who may call a page at all, by name.

Each view carries one `@rule("area.action")`. The rule says in Japanese who may do what, and the decorator
refuses every other role before the view runs (with a DENIED row in the access log). What a rule cannot
know from the role alone (the center of the object, the cases a worker is in charge of, break-the-glass,
a delegated approver, the fields a clerk may not see) the view decides through this policy package when it
reads the object; the authorization matrix (tests/test_authorization_matrix.py) checks both together.

A rule lists its roles; the same rule on several pages means the same permission. A new page takes an
existing rule when it grants the same thing, or a new one here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..roles import Role

# The center's own staff. Hosted trainees (実習生) are not "everyone": a rule admits them only when it names them.
EVERYONE = frozenset(Role) - {Role.TRAINEE}
# Pages a trainee may open: home and the persons and cases the director assigned (read only; the policy scopes them).
WITH_TRAINEES = EVERYONE | {Role.TRAINEE}
EDITORS = frozenset({Role.DIRECTOR, Role.WORKER, Role.CLERK})  # change records; auditors only read
CASEWORK = frozenset({Role.DIRECTOR, Role.WORKER})  # narratives, plans, justice and health: no clerks
READERS_OF_CASEWORK = frozenset({Role.DIRECTOR, Role.WORKER, Role.AUDITOR})
DIRECTOR = frozenset({Role.DIRECTOR})
OVERSIGHT = frozenset({Role.DIRECTOR, Role.AUDITOR})
OFFICE_KEEPERS = frozenset({Role.DIRECTOR, Role.CLERK})  # vehicles, devices, paper files, the staffing table
STAFFING_READERS = frozenset({Role.DIRECTOR, Role.CLERK, Role.AUDITOR})

PUBLIC = "public"  # before log-in (the log-in page, health check, a calendar feed with its own token)
AUTHENTICATED = "authenticated"  # any logged-in account, before or outside a center
STAFF = "staff"  # staff of a center, of the roles listed
SUPERUSER = "superuser"


@dataclass(frozen=True)
class ViewRule:
    label: str  # who may do what, in Japanese (shown in the access log for a refusal)
    who: str = STAFF
    roles: frozenset = EVERYONE  # for STAFF rules: the roles that may call the page at all

    def admits(self, user) -> bool:
        if self.who == PUBLIC:
            return True
        if not user.is_authenticated:
            return False
        if self.who == AUTHENTICATED:
            return True
        if self.who == SUPERUSER:
            return user.is_superuser
        return user.center_id is not None and user.role in self.roles


RULES: dict[str, ViewRule] = {
    # --- before and around log-in ---
    "public.login": ViewRule("ログイン・ログアウト（誰でも）", who=PUBLIC),
    "public.health": ViewRule("稼働確認（誰でも）", who=PUBLIC),
    "public.calendar_feed": ViewRule("カレンダー配信（配信用の鍵を持つ人）", who=PUBLIC),
    "account.own": ViewRule("自分のパスワード・二段階認証（ログインした人）", who=AUTHENTICATED),
    "lookup.postal": ViewRule("郵便番号から住所を引く（ログインした人）", who=AUTHENTICATED),
    # --- the center ---
    "center.settings": ViewRule("センターの設定（管理者）", roles=DIRECTOR),
    "home.view": ViewRule("ホーム（センターの職員・実習生）", roles=WITH_TRAINEES),
    "inbox.view": ViewRule("やること・カレンダー（センターの職員）"),
    "network.view": ViewRule("関係機関のつながり（センターの職員）"),
    "search.header": ViewRule("ヘッダーの検索（センターの職員。見てよい対象者・関係機関だけ）"),
    # --- persons and cases ---
    "persons.view": ViewRule(
        "対象者の閲覧（センターの職員。司法・健康は事務に見せない。実習生は割り当てられたケースの対象者だけ）",
        roles=WITH_TRAINEES),
    "persons.register": ViewRule("対象者の登録（管理者・相談員・事務）", roles=EDITORS),
    "persons.edit": ViewRule("フェイスシートの編集（管理者・相談員・事務）", roles=EDITORS),
    "persons.history": ViewRule("フェイスシートの変更履歴（管理者・相談員・閲覧）", roles=READERS_OF_CASEWORK),
    "persons.print": ViewRule("フェイスシートの印刷（管理者・相談員・事務）", roles=EDITORS),
    "persons.merge": ViewRule("対象者の記録の統合（管理者）", roles=DIRECTOR),
    "persons.merge_history": ViewRule("対象者の統合の履歴（管理者・閲覧）", roles=OVERSIGHT),
    "cases.view": ViewRule("ケースの閲覧（センターの職員。経過は事務に見せない。実習生は割り当てられたケースだけ）",
                           roles=WITH_TRAINEES),
    "cases.open": ViewRule("ケースの登録（管理者・相談員）", roles=CASEWORK),
    "cases.edit": ViewRule("ケースの基本情報・注意事項の編集（管理者・相談員・事務）", roles=EDITORS),
    "cases.change_phase": ViewRule("ケースの段階の変更・再開（管理者・相談員）", roles=CASEWORK),
    "cases.reoffences": ViewRule("再犯の把握の閲覧（管理者・相談員・閲覧）と記録（管理者・相談員）",
                                 roles=READERS_OF_CASEWORK),
    "records.write": ViewRule("支援経過記録の記入・編集（管理者・相談員）", roles=CASEWORK),
    "records.history": ViewRule("支援経過記録の変更履歴（管理者・相談員・閲覧）", roles=READERS_OF_CASEWORK),
    "records.read": ViewRule("支援経過記録の閲覧（API。管理者・相談員・閲覧）", roles=READERS_OF_CASEWORK),
    "records.delete": ViewRule("記録の削除・復元（管理者）", roles=DIRECTOR),
    # --- intake and planning ---
    "intake.take": ViewRule("受付・事前相談・相談支援の記入（管理者・相談員）", roles=CASEWORK),
    "intake.preconsultations": ViewRule("事前相談の閲覧（管理者・相談員・閲覧）", roles=READERS_OF_CASEWORK),
    "consultations.view": ViewRule("相談支援の閲覧（センターの職員）"),
    "planning.view": ViewRule("アセスメント・支援計画・終結の閲覧（センターの職員。内容は事務に見せない）"),
    "planning.write": ViewRule("アセスメント・支援計画・終結の申請の記入（管理者・相談員）", roles=CASEWORK),
    "planning.compare": ViewRule("アセスメントの比較（管理者・相談員・閲覧）", roles=READERS_OF_CASEWORK),
    "planning.print": ViewRule("支援計画の印刷（管理者・相談員）", roles=CASEWORK),
    # A worker may approve only when the director named them 決裁代行; the view asks the policy (may_approve).
    "planning.approve": ViewRule("支援計画・終結の決裁（管理者と決裁代行の相談員）", roles=CASEWORK),
    "planning.delegate": ViewRule("決裁代行の指名・取消（管理者）", roles=DIRECTOR),
    # --- coordination ---
    "procedures.view": ViewRule("手続き・フォローアップ・更生緊急保護の閲覧（センターの職員）"),
    "procedures.write": ViewRule("手続き・フォローアップの予定の記入（管理者・相談員・事務）", roles=EDITORS),
    "procedures.protection_extend": ViewRule("更生緊急保護の延長（管理者・相談員）", roles=CASEWORK),
    "procedures.catalogue": ViewRule("手続きの種類とテンプレートの設定（管理者）", roles=DIRECTOR),
    "follow_ups.record": ViewRule("フォローアップの結果の記入（管理者・相談員）", roles=CASEWORK),
    "placements.view": ViewRule("居所・空き状況・受入照会の閲覧（センターの職員）"),
    "placements.write": ViewRule("居所・受入照会・つなぎ・空き状況の記入（管理者・相談員・事務）", roles=EDITORS),
    "placements.connection": ViewRule("つなぎの閲覧（センターの職員）と編集（管理者・相談員・事務）"),
    # --- medical continuity (医療連携: health information, the rule of the face sheet's health section) ---
    "medical.view": ViewRule("常用薬・受診予定・健診・緊急時の受診先と医療の確認の一覧の閲覧（管理者・相談員・閲覧）",
                             roles=READERS_OF_CASEWORK),
    "medical.write": ViewRule("常用薬・受診予定・健診・緊急時の受診先の記入（管理者・相談員）", roles=CASEWORK),
    # --- partners ---
    "directory.view": ViewRule("関係機関の名簿の閲覧・出力（センターの職員）"),
    "directory.edit": ViewRule("関係機関の名簿の編集・取込（管理者・相談員・事務）", roles=EDITORS),
    # Imports write many records at once: directors only (each row still goes through its area's service).
    "imports.run": ViewRule("データの取り込み（対象者・ケース）（管理者）", roles=DIRECTOR),
    "directory.kinds": ViewRule("関係機関の種別の設定（管理者）", roles=DIRECTOR),
    "outreach.view": ViewRule("広報・連携活動の閲覧（センターの職員）"),
    "outreach.write": ViewRule("広報・連携活動の記入（管理者・相談員）", roles=CASEWORK),
    # --- consent and disclosure ---
    "disclosure.view": ViewRule("同意・第三者提供・取り決めの閲覧（管理者・相談員・閲覧）", roles=READERS_OF_CASEWORK),
    "disclosure.write": ViewRule("同意・第三者提供・情報受領の記録（管理者・相談員）", roles=CASEWORK),
    "disclosure.draft_agreement": ViewRule("情報共有の取り決めの登録（管理者）・下書き（相談員、締結は管理者の決裁）",
                                           roles=CASEWORK),
    "disclosure.manage": ViewRule("同意書の文面・情報共有の取り決めの設定（管理者）", roles=DIRECTOR),
    "disclosure.requests": ViewRule("本人からの開示等の請求の閲覧（管理者・閲覧）", roles=OVERSIGHT),
    "disclosure.handle_requests": ViewRule("本人からの開示等の請求の受付・回答（管理者）", roles=DIRECTOR),
    # --- transfers ---
    "transfers.view": ViewRule("広域調整の閲覧（管理者・相談員・閲覧）", roles=READERS_OF_CASEWORK),
    "transfers.write": ViewRule("広域調整の依頼・回答（管理者・相談員）", roles=CASEWORK),
    "transfers.targets": ViewRule("広域調整の相手センターの設定（管理者）", roles=DIRECTOR),
    # --- meetings and team practice ---
    "meetings.view": ViewRule("会議・議事録・悩み・ケース検討の閲覧（管理者・相談員・閲覧）",
                              roles=READERS_OF_CASEWORK),
    "meetings.write": ViewRule("会議の予定・議事録・悩み・ケース検討の記入（管理者・相談員）", roles=CASEWORK),
    "meetings.board": ViewRule("朝のボード（センターの職員。司法・経過は事務に見せない）"),
    "meetings.absence": ViewRule("不在の予定の記入（管理者・相談員・事務）", roles=EDITORS),
    # --- oversight ---
    "audit.review": ViewRule("アクセスログ・緊急閲覧の一覧（管理者・閲覧）", roles=OVERSIGHT),
    # The workers in charge of one of the person's cases also see who looked; the view asks the policy.
    "audit.person_access": ViewRule("この記録を見た人（管理者・閲覧・担当の相談員）", roles=READERS_OF_CASEWORK),
    "audit.break_glass": ViewRule("緊急閲覧の申し出（センターの職員）"),
    # Who may download or decide an export request is decided per request (the requester, other directors).
    "exports.view": ViewRule("エクスポート申請の閲覧・決裁・受け取り（センターの職員）"),
    # What may be exported depends on the list: auditors export the access log only (policy.may_request_export).
    "exports.request": ViewRule(
        "エクスポートの申請（一覧ごとに：名簿・ケースは管理者・相談員・事務、アクセスログは管理者・閲覧）"),
    "statistics.view": ViewRule("件数の集計（API。センターの職員。見てよい範囲の件数）"),
    "api.tokens": ViewRule("自分のAPIトークンの発行・失効（センターの職員。二段階認証を設定した人）"),
    "api.docs": ViewRule("APIの説明書とOpenAPIの記述（センターの職員）"),
    "reports.dashboard": ViewRule("成果の集計と内訳のケース一覧（管理者・相談員・閲覧。一覧は見てよいケースだけ）",
                                  roles=READERS_OF_CASEWORK),
    "reports.outcome": ViewRule("成果報告書の出力（管理者・閲覧）", roles=OVERSIGHT),
    "operations.review": ViewRule("保存期間・定期処理の確認（管理者・閲覧）", roles=OVERSIGHT),
    # --- center operations (センター運営) ---
    "office.view": ViewRule("センター運営（車両・運行表・端末・紙ファイル・施錠点検）の閲覧（センターの職員）"),
    "office.staffing": ViewRule("センター概要・職員体制の閲覧と印刷（管理者・事務・閲覧）", roles=STAFFING_READERS),
    "office.edit_staffing": ViewRule("職員体制・資格の編集（管理者・事務）", roles=OFFICE_KEEPERS),
    "office.edit_profile": ViewRule("センター概要（運営主体・契約）の編集（管理者）", roles=DIRECTOR),
    "office.equipment": ViewRule("車両・点検・端末・紙ファイルの登録（管理者・事務）", roles=OFFICE_KEEPERS),
    "office.trips": ViewRule("運行・事故・ヒヤリハットの記録（管理者・事務、相談員は自分の運転）", roles=EDITORS),
    "office.files": ViewRule("紙ファイルの持ち出し・返却、施錠点検の記録（管理者・相談員・事務）", roles=EDITORS),
    "office.incidents": ViewRule("インシデントの閲覧（管理者・閲覧、報告した職員）"),
    "office.report_incident": ViewRule("インシデントの報告（管理者・相談員・事務）", roles=EDITORS),
    "office.training": ViewRule("研修（受講・関係機関向け）の記録（管理者・相談員・事務）", roles=EDITORS),
    "office.training_plan": ViewRule("年間の研修計画の作成（管理者）", roles=DIRECTOR),
    "office.trainees": ViewRule("実習生の受け入れ（アカウント・誓約書・ケースの割り当て・閲覧の記録）（管理者）",
                                roles=DIRECTOR),
    "office.handle_incident": ViewRule("インシデントの対応（遠隔消去・本人への通知・委員会への報告）（管理者）",
                                       roles=DIRECTOR),
}
