"""Text templates for the demo: support-record narratives, face-sheet texts, reasons and summaries.

Slots in braces are filled per case by the generator (see generator._slots). Every text is invented.
Phase codes: intake, coordinating, temporary, settlement, follow_up.
"""

from __future__ import annotations

ALL = ("intake", "coordinating", "temporary", "settlement", "follow_up")
EARLY = ("intake", "coordinating")
LATER = ("temporary", "settlement", "follow_up")

# (kind, phases, counterpart, narrative). Kinds are records.models.ActivityKind values.
ACTIVITY_TEMPLATES: list[tuple[str, tuple[str, ...], str, str]] = [
    # 面接
    ("interview", EARLY, "本人（{custody}にて面会）",
     "{custody}で本人と面会。生活歴、家族関係、これまでの福祉サービスの利用について聴き取る。本人は{wish}と話す。"),
    ("interview", ("intake",), "本人",
     "本人と初回面接。センターの役割と支援の流れを説明し、個人情報の取扱いと関係機関への情報提供について同意を得た。"),
    ("interview", ("coordinating",), "本人（{custody}にて面会）",
     "本人と面接し、釈放後の居所について意向を確認。{facility}への入所を説明すると「まずはそこで頑張ってみる」と了承。"),
    ("interview", ("coordinating",), "本人（{custody}にて面会）",
     "必要最低限のアセスメントを実施。理解に時間がかかるため、短い言葉で一つずつ確認した。所持金はほとんどなく、"
     "身分証も手元にない。"),
    ("interview", ("temporary",), "本人（{facility}）",
     "{facility}で本人と面接。生活リズムは整ってきたが、夜眠れないことがあると話す。再アセスメントとして"
     "日中の過ごし方とお金の使い方を確認した。"),
    ("interview", ("settlement",), "本人",
     "自宅で本人と面接。家計簿を一緒に確認し、今月は食費が予算内に収まった。「自炊が少しずつできるようになった」と"
     "笑顔で話す。"),
    ("interview", ("follow_up",), "本人（来所）",
     "来所面接。近況を聴く。通院と服薬は続けられている。近所の人にあいさつができるようになったとのこと。"),
    ("interview", LATER, "本人",
     "本人と面接。支援計画の振り返りを行い、目標「{goal}」について本人の言葉で評価してもらった。"),
    # 電話
    ("phone", EARLY, "{po} {officer}",
     "{po}の{officer}と電話。更生緊急保護の申出の見込みと、受入れ先の候補について情報を共有した。"),
    ("phone", ("coordinating",), "{facility}",
     "{facility}に空き状況を照会。来週から1名受入れ可能との回答。本人の状況を口頭で伝え、見学の日程を調整。"),
    ("phone", ("temporary",), "{facility} 職員",
     "{facility}の職員より電話。本人が門限に遅れて帰所したとの報告。体調に変わりはない。次回の面接で本人と振り返る。"),
    ("phone", ("settlement",), "{welfare} {cw}",
     "{welfare}の{cw}と電話。生活保護の開始決定を確認。家賃の代理納付について相談した。"),
    ("phone", ("settlement", "follow_up"), "本人",
     "本人より電話。「お金が足りなくなりそうだ」と不安そうな声。次の支給日までの見通しを一緒に確認し、"
     "落ち着いた様子で電話を終えた。"),
    ("phone", ("follow_up",), "本人", "本人に定期連絡。変わりなく過ごしているとのこと。来月の通院日を確認した。"),
    ("phone", ALL, "{family}（家族）",
     "本人の{family}より電話。本人の様子を心配しての連絡。本人が同意した範囲で近況を伝えた。"),
    ("phone", ("settlement", "follow_up"), "{hospital} MSW",
     "{hospital}のMSWより電話。受診時の付き添いについて相談があり、次回はヘルパーが同行することで調整した。"),
    # 訪問
    ("visit", ("temporary",), "{facility}",
     "{facility}を訪問し、本人と施設職員と面談。居室の整理はできている。作業には週3日参加している。"),
    ("visit", ("settlement",), "本人宅",
     "本人宅を訪問。室内はおおむね片付いている。冷蔵庫に食材があり、自炊を続けている様子。郵便物の中に督促状が"
     "あったため一緒に内容を確認した。"),
    ("visit", ("follow_up",), "本人宅",
     "本人宅を訪問。近所の商店で顔なじみができたと話す。服薬カレンダーで残薬を確認し、飲み忘れは週1回程度。"),
    ("visit", ("settlement", "follow_up"), "{consult}",
     "{consult}を訪問し、相談支援専門員と本人の近況を共有。サービス等利用計画の見直し時期を確認した。"),
    # 同行
    ("accompany", ("coordinating", "temporary"), "本人（{welfare}）",
     "本人に同行し{welfare}で生活保護を申請。担当の{cw}に生活歴を説明する場面では、本人の言葉を補いながら"
     "手続きを進めた。"),
    ("accompany", ("temporary",), "本人（{city}役所）",
     "本人に同行し{city}の窓口で住民票の手続き（転入届）。あわせて国民健康保険の加入手続きを行った。"),
    ("accompany", ("temporary", "settlement"), "本人（{hospital}）",
     "{hospital}の受診に同行。主治医に服薬状況を伝え、処方は前回と同じ。次回の受診は4週間後。"),
    ("accompany", ("settlement",), "本人（不動産店）",
     "アパートの内見に同行。本人は「駅から近いので通いやすい」と気に入った様子。家賃は住宅扶助の範囲内。"),
    ("accompany", ("temporary", "settlement"), "本人（{city} 障害福祉課）",
     "障害者手帳の申請に同行。判定の日は来月。本人には当日の流れを絵カードで説明した。"),
    # 会議
    ("meeting", ("coordinating",), "合同支援会議",
     "{pp}、{po}、{welfare}、{lawyer}と合同支援会議。釈放後の居所を{facility}とし、生活保護の申請を"
     "速やかに行う方針を確認した。"),
    ("meeting", ("temporary", "settlement"), "個別ケース会議",
     "個別ケース会議（{welfare}、{consult}、{facility}）。地域移行に向けて、住まいの確保と日中活動の場について"
     "役割分担を確認した。"),
    ("meeting", ("settlement", "follow_up"), "ケース振り返り",
     "センター内のケース振り返り。担当者の悩みとして、本人からの電話が夜間に集中していることを共有。"
     "連絡のルールを本人と一緒に決める方針とした。"),
    ("meeting", ("settlement", "follow_up"), "サービス担当者会議",
     "サービス担当者会議に出席。ヘルパーの利用を週2回から週3回に増やすことで合意した。"),
    # 連絡調整
    ("liaison", ("coordinating",), "{po} {officer}",
     "{po}の{officer}へ受入れ先の決定を連絡。更生緊急保護の期間（釈放の日から6か月）を確認した。"),
    ("liaison", ("temporary",), "{welfare} {cw}",
     "{welfare}の{cw}と援護の実施者について協議。現在地保護とすることで了解を得た。"),
    ("liaison", ("settlement",), "{employer}",
     "{employer}と連絡調整。本人の作業体験を来週から週2日で始めることになった。"),
    ("liaison", EARLY, "{lawyer}",
     "{lawyer}へ本人の近況を報告（本人同意済み）。今後の手続きの日程について確認した。"),
    ("liaison", ("follow_up",), "{consult}",
     "{consult}と連絡調整。センターの関与を段階的に減らし、日常の相談は事業所が受けることで合意した。"),
    # 書類作成
    ("paperwork", ("coordinating",), "",
     "更生緊急保護の申出書の作成を支援。本人が読みやすいよう、ふりがなを付けた説明書を用意した。"),
    ("paperwork", ("temporary",), "",
     "障害支援区分の認定調査に向けて、本人の生活状況をまとめた資料を作成した。"),
    ("paperwork", ALL, "", "支援計画書を作成し、本人に内容を説明。本人の言葉で目標を「{goal}」とした。"),
    ("paperwork", ("follow_up",), "", "成果報告書に向けてケースの経過を整理した。"),
    # その他
    ("other", ALL, "", "本人の衣類と日用品を準備。フードバンクから食料を受け取り、本人に届けた。"),
    ("other", LATER, "民生委員", "地区の民生委員にあいさつ。本人の同意を得て、見守りをお願いした。"),
]

# The first record of every case: how the referral came in, by referral source (default: "").
REFERRAL_RECORDS: dict[str, tuple[str, str]] = {
    "prosecutor": ("phone", "{ref_agency}の{ref_officer}より電話で支援の依頼。{offence}で勾留中の方について、"
                            "{release}との連絡。受入れの可否を検討して折り返すと回答。"),
    "probation": ("liaison", "{ref_agency}より特別調整協力等依頼書を受理。{ref_officer}から本人の状況と"
                             "帰住予定地について説明を受けた。"),
    "correctional": ("liaison", "{ref_agency}の{ref_officer}より連絡。満期釈放の予定の方について、"
                                "釈放後の住まいと福祉の利用について相談を受けた。"),
    "lawyer": ("phone", "{ref_agency}の{ref_officer}より相談。国選で弁護を担当している方について、"
                        "釈放後の福祉的な支援をお願いしたいとのこと。"),
    "other_center": ("liaison", "{ref_agency}より支援業務協力依頼書を受理。本人が当県に帰住するため、"
                                "フォローアップの引継ぎを受けた。"),
    "self_or_family": ("phone", "本人の{family}より相談の電話。本人の生活が心配で、どこに相談したらよいか"
                                "わからなかったとのこと。"),
    "": ("phone", "{ref_agency}の{ref_officer}より相談の電話。本人の生活の状況と困りごとについて聴き取った。"),
}

# On the day of release, when the case went on to a placement (temporary) or straight to a home (settlement).
RELEASE_RECORDS = {
    "temporary": "釈放に立ち会い、{custody}から{facility}まで同行。道中は緊張した様子だったが、到着後は職員に"
                 "自分からあいさつができた。",
    "settlement": "釈放に立ち会い、{custody}から新しい住まいまで同行。電気・ガスの開始を一緒に確認し、"
                  "当面の食料を買い物した。",
}

# Appended to some narratives.
STATE_SENTENCES = ["本人は落ち着いた表情で話していた。", "体調に大きな変化はない。", "表情が硬く、言葉数が少なかった。",
                   "少し疲れている様子だった。", "冗談を言う場面もあり、関係づくりが進んでいる。",
                   "同じ話を繰り返すことが多く、記憶の面で配慮が必要。"]
NEXT_SENTENCES = ["次回は2週間後に訪問する予定。", "引き続き様子を見守る。", "次回のケース会議で報告する。",
                  "必要に応じて関係機関と情報を共有する（本人同意済み）。", "来週もう一度電話で確認する。"]

# The person's own words (本人の意向).
WISHES = [
    "もう刑務所には戻りたくない。静かに暮らしたい。",
    "一人でアパートに住んでみたい。",
    "姉に迷惑をかけたくない。自分のことは自分でしたい。",
    "働きたい。体を動かす仕事がいい。",
    "昔住んでいた{city}に帰りたい。",
    "病院にちゃんと通って、体を治したい。",
    "ご飯が食べられて、布団で眠れればそれでいい。",
    "よくわからない。任せる。",
    "猫と暮らしたい。",
    "人と話すのは苦手だけど、相談できる人がいると安心する。",
    "酒はやめる。今度こそ。",
    "お金の管理は手伝ってほしい。",
    "施設は嫌だ。自分の部屋がほしい。",
    "娘に一度会って謝りたい。",
]
GOALS = ["毎日ご飯を食べる", "通院を続ける", "お金を計画的に使う", "困ったら相談する", "仕事を見つける",
         "お酒を飲まない", "朝起きて散歩する", "部屋をきれいにする"]
RETURN_WISHES = ["{city}（以前住んでいた地域）", "特になし", "家族のいる{other_city}", "施設でもよい",
                 "{city}周辺でアパート", "知っている人のいない土地"]

HEALTH_BY_DISABILITY = {
    "intellectual": ["軽度知的障害", "中度知的障害。読み書きは平仮名なら可能"],
    "mental": ["統合失調症（服薬で症状は安定）", "うつ病", "アルコール依存症", "発達障害（自閉スペクトラム症）",
               "双極性障害"],
    "physical": ["脳梗塞の後遺症で右半身に軽い麻痺", "下肢機能障害（杖歩行）", "視覚障害（弱視）"],
    "elderly": ["認知症の疑い（未受診）", "軽度の認知症", "難聴"],
}
HEALTH_GENERAL = ["高血圧", "糖尿病", "慢性腎臓病", "腰痛", "歯の治療が必要", "C型肝炎の既往", "不眠"]
MEDICATIONS = ["アムロジピン 5mg（朝）", "メトホルミン 500mg（朝夕）", "リスペリドン 2mg（夕）",
               "ブロチゾラム 0.25mg（就寝前）", "ドネペジル 5mg（朝）", "ロキソプロフェン（頓服）",
               "バルプロ酸 200mg（朝夕）", "アリピプラゾール 6mg（朝）"]

OFFENCE_DETAILS = {
    "theft": "スーパーで食料品（約{amount}円相当）を万引き。同種の前歴{count}回。",
    "fraud": "飲食店で代金を支払わずに飲食（約{amount}円）。所持金はほとんどなかった。",
    "assault": "路上で口論になった相手の胸を押し、軽いけがを負わせた。飲酒していた。",
    "drugs": "覚醒剤の自己使用。過去に同種の前科あり。",
    "trespass": "空き家に無断で入り、寝泊まりしていた。",
    "arson": "自宅のごみに火をつけ、ぼやになった。けが人なし。",
    "sexual": "公共の場での迷惑行為。詳しくは事件記録による。",
    "traffic": "無免許運転。",
    "property_damage": "駅の掲示物を壊した。",
    "other": "迷惑防止条例違反。",
}
DISPOSITIONS = {
    "suspect": "{date}に逮捕、勾留中。",
    "defendant": "{date}に起訴。公判中。",
    "suspended_prosecution": "{date}に起訴猶予処分。",
    "not_prosecuted": "{date}に不起訴処分（嫌疑不十分）。",
    "suspended_sentence": "{date}に{sentence}1年・執行猶予3年の判決。",
    "suspended_sentence_probation": "{date}に{sentence}1年6月・保護観察付執行猶予4年の判決。",
    "fine": "{date}に罰金{amount}円。",
    "sentence_completed": "{date}に満期釈放。",
    "parole": "{date}に仮釈放。",
    "in_custody": "{prison}で受刑中。{date}に満期の予定。",
    "other": "{date}に処分が決まった。",
    "": "処分は確認中。",
}

CLOSURE_SUMMARIES = {
    "stable": "アパートでの一人暮らしが安定し、日常の相談は{consult}が担うことになったため終結。",
    "moved": "本人の希望で{elsewhere}の家族の近くに転居。転居先のセンターに支援業務協力依頼書で引き継いだ。",
    "hospitalised": "体調が悪化し{hospital}に入院。退院の見込みが立たないため、病院のMSWに引き継いで終結。",
    "died": "本人が病気のため亡くなられた。関係機関に連絡し終結。",
    "reoffended": "再び逮捕されたとの連絡を{po}から受けた。今後は改めて依頼があれば対応する。",
    "refused": "本人から「もう大丈夫なので連絡はいらない」との申し出があり、意思を尊重して終結。",
    "lost_contact": "本人と連絡が取れなくなり、関係機関にも所在が確認できないため終結。",
    "not_eligible": "事前相談の結果、センターの支援の対象とならず、関係機関への助言にとどめた。",
    "other": "家族の元で暮らすことになり、家族と{welfare}が支えることになったため終結。",
}
TRANSITION_REASONS = {
    ("", "intake"): "相談受付",
    ("intake", "coordinating"): "支援の依頼を受け、受入れを決定した",
    ("coordinating", "temporary"): "{facility}への一時受入れが決まった",
    ("coordinating", "settlement"): "釈放後そのままアパートでの生活を始めた",
    ("temporary", "settlement"): "{facility}を退所し、地域での生活を始めた",
    ("settlement", "follow_up"): "生活が落ち着いたためフォローアップに移行",
}

FLAG_INSTRUCTIONS = {
    "接近禁止の相手あり": "元配偶者への接近禁止。住所・連絡先を家族にも伝えないこと。",
    "意思疎通に配慮": "短い文で一つずつ話し、理解を確認する。書面には振り仮名を付ける。",
    "医療的ケア": "インスリン注射あり。訪問時は低血糖の症状に注意。",
    "自傷・自殺のおそれ": "気分の落ち込みが続くときは主治医に連絡。単独で判断しない。",
    "暴力の既往": "訪問は2人で。出口側に座る。",
    "金銭管理に配慮": "現金は渡さず、日常生活自立支援事業の担当者と相談する。",
    "通訳が必要": "ポルトガル語の通訳を手配すること。",
    "単独訪問不可": "必ず2人で訪問する。",
}

FAMILY_NOTES = ["年に数回電話がある", "本人との関係は疎遠。緊急時のみ連絡可", "金銭的な援助は難しいとのこと",
                "本人の同意のもと連絡", "", ""]
EXTERNAL_NOTES = ["", "", "平日日中のみ連絡可", "本人の同意あり（情報提供の範囲は同意書のとおり）", "異動予定あり"]

# --- the detailed cases (features.py) ---------------------------------------------------------------------------

# Assessment findings per domain code (planning.AssessmentDomain): (findings, needs, level) choices.
ASSESSMENT_ENTRIES: dict[str, list[tuple[str, str, str]]] = {
    "health": [("高血圧で服薬中だが、釈放後は薬が切れている。", "受診先の確保と常用薬の継続。", "high"),
               ("持病は特にない。歯の痛みを訴えている。", "歯科の受診。", "low"),
               ("糖尿病の治療を中断している。", "内科の受診と服薬の管理。", "medium")],
    "disability": [("療育手帳の所持はないが、読み書きに困難がある。", "療育手帳の申請と判定の付き添い。", "medium"),
                   ("精神障害者保健福祉手帳2級を所持。", "手帳の更新手続きの支援。", "low"),
                   ("物忘れが目立つ。認知症の診断は受けていない。", "受診と要介護認定の申請。", "medium")],
    "daily_living": [("食事は外食が中心。洗濯・掃除はほぼできない。", "家事援助（ヘルパー）の利用。", "medium"),
                     ("身の回りのことは一人でできる。", "", "none"),
                     ("お金があるとすぐに使ってしまう。", "金銭管理の支援（日常生活自立支援事業）。", "high")],
    "housing": [("住民票は職権消除されている。帰る家はない。", "一時的な居所の確保と住民票の復活。", "high"),
                ("以前住んでいたアパートは退去済み。", "住まいの確保。", "high")],
    "income_debt": [("所持金は数百円。年金は受給していない。", "生活保護の申請。", "high"),
                    ("消費者金融に借金がある（額は不明）。", "法テラスへの相談。", "medium")],
    "family": [("家族とは20年以上連絡を取っていない。", "本人が望めば連絡の仲介。", "low"),
               ("姉とは年に数回電話で話す。支援への協力は難しい。", "", "low")],
    "work": [("建設現場で日雇いの経験がある。体力に不安。", "就労継続支援B型の見学。", "medium"),
             ("働いた経験はほとんどない。日中は一人で過ごすことが多い。", "日中活動の場の確保。", "medium")],
    "justice": [("起訴猶予処分。検察庁の再犯防止対策室が関与。", "更生緊急保護の申出の支援。", "medium"),
                ("満期釈放。保護観察は付かない。", "釈放後の見守り体制づくり。", "medium")],
    "wishes": [("「静かに暮らしたい」「もう捕まりたくない」と話す。", "本人の言葉を計画の目標にする。", ""),
               ("「一人でアパートに住みたい」と話す。", "単身生活に向けた段階的な支援。", "")],
}
ASSESSMENT_SUMMARIES = [
    "住まいと収入がなく、釈放後すぐの生活の基盤づくりが最優先。本人には支援を受ける意欲がある。",
    "服薬が途切れると生活が崩れやすい。受診と服薬の継続を軸に、相談できる人を増やしていく。",
    "金銭管理と孤立が再犯の引き金になってきた。日中活動の場と見守りの体制を整える。",
]
PLAN_STAFF_GOALS = [
    "一時受入の間に生活保護と住民票を整え、{consult}と連携して地域での生活の場を探す。",
    "通院と服薬を続けられるよう{hospital}と連携し、金銭管理の支援を導入する。",
    "{facility}と連絡を密にし、退所後の住まいと日中活動の場を本人と一緒に決める。",
]
PLAN_ACTIONS = [
    ("生活保護の申請に同行する", "staff"),
    ("住民票の手続き（転入届）に同行する", "staff"),
    ("{hospital}の受診に同行し、常用薬を確保する", "staff"),
    ("サービス等利用計画の作成を依頼する", "consult"),
    ("アパートの内見に同行する", "staff"),
    ("ハローワークの専門援助部門の相談に同行する", "staff"),
]
INQUIRY_NOTES = ["本人の状況（障害・服薬）を口頭で説明した。", "見学の日程を調整することになった。",
                 "空きが出たら連絡をもらえることになった。", ""]
REFUSAL_DETAILS = {"full": "現在満床。空きの見込みは1か月後。",
                   "out_of_scope": "要介護の方は受け入れていないとのこと。"}
CONNECTION_OUTCOMES = {
    "service_plan": "相談支援専門員が決まり、サービス等利用計画の作成を始めた。",
    "community_support": "地域包括支援センターの社会福祉士が担当となり、見守りを引き継いだ。",
    "medical": "初診の予約が取れ、受診に同行した。",
    "hello_work": "専門援助部門で求職登録を行った。",
    "cooperating_employer": "面接を受けたが、体力面の不安から今回は見送りとなった。",
    "needy_support": "家計改善支援の利用につながった。",
}
FOLLOW_UP_RECORDS = {
    "person": ("phone", "本人", "フォローアップの定期連絡。生活に大きな変わりはなく、通院も続けている。"),
    "facility": ("phone", "{facility} 職員", "受入先の職員に近況を確認。生活のリズムは安定しているとのこと。"),
}
PRE_CONSULTATIONS = [
    ("probation", "みどり刑務所で受刑中の方。知的障害の疑いがあり、満期釈放後の帰住先がない。特別調整の対象になる"
                  "見込みで、早めに情報を共有したいとのこと。", "considering"),
    ("prosecutor", "窃盗で勾留中の高齢の方について事前の相談。家族が引き取る予定で、センターの支援は不要の見込み。",
     "not_needed"),
]
CONSULTATIONS = [
    ("community_support_center", "housing", "visit",
     "地域包括支援センターから、刑務所を出た高齢の方のアパート探しについて相談。保証人がいない場合の制度と"
     "居住支援法人について情報提供した。", True),
    ("municipality", "program", "phone",
     "市の生活福祉課から、センターの事業内容と依頼の方法について問い合わせ。事業案内を送付した。", False),
]


# --- meetings (all fictional) ---
REVIEW_OUTCOMES = [
    "一時受入先での生活は落ち着いている。来週、生活保護の申請に同行する。",
    "連絡がとりにくい。主担当が週内に訪問し、次回のケース検討で報告する。",
]
CONFERENCE_MINUTES = (
    "保護観察所から、本人の釈放後の様子について報告があった。\n"
    "市役所からは、生活保護の申請に必要な書類の説明があった。\n"
    "本人は「市内で一人で暮らしたい」と話している。グループホームも選択肢として検討する。（架空の記録）"
)
