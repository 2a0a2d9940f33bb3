REFERRAL_POST = {
    "organization": "", "referral_source": "prosecutor", "referral_agency": "架空地方検察庁 再犯防止対策室",
    "referral_officer": "架空 事務官", "referral_contact": "000-0000-0000",
    "family_name": "架空", "given_name": "次郎", "family_name_kana": "かくう", "given_name_kana": "じろう",
    "sex": "male", "birth_date": "S30.4.1", "justice_status": "suspended_prosecution",
    "kind": "entrance", "referral_date": "令和8年11月20日", "expected_release_date": "R8.11.23",
    "release_place": "架空拘置支所", "urgency": "immediate",
    "first_note": "架空検察庁から電話。起訴猶予の見込み、帰住先なし（テスト用）。",
}


def referral_post(**overrides) -> dict:
    return {**REFERRAL_POST, **overrides}


def body(response) -> str:
    return response.content.decode()
