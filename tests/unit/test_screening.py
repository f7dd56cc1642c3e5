"""Do-no-harm screening: each rule flags what it should, in every language it covers, and nothing else."""

import shutil

import pytest

from planner.errors import ContentError
from planner.screening import (
    LANGUAGE_NAMES,
    SCREENING_DIR,
    Finding,
    MessageFacts,
    Severity,
    load_screening,
    rules,
    screen,
)

NO_SOURCES = MessageFacts(has_sources=False, features_person=False, consent_reference="")
WITH_SOURCES = MessageFacts(has_sources=True, features_person=False, consent_reference="")
DENYLIST = ["example-extremist.net", "@somehandle", "facebook.com/badpage"]


def screened(text: str, facts: MessageFacts = NO_SOURCES, denylist=DENYLIST) -> list[Finding]:
    findings = screen(text, facts=facts, denylist=denylist)
    for finding in findings:  # every span points at the matched text as typed
        if finding.start >= 0:
            assert text[finding.start : finding.end] == finding.matched, finding
        else:
            assert (finding.start, finding.end, finding.matched) == (-1, -1, "")
    return findings


def matched(text: str, rule: str, **kwargs) -> list[str]:
    return [finding.matched for finding in screened(text, **kwargs) if finding.rule == rule]


# --- amplification.denylist ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Read https://example-extremist.net/manifesto today", "https://example-extremist.net/manifesto"),
        ("Read sub.example-extremist.net/a without a scheme", "sub.example-extremist.net/a"),
        ("Capitals too: HTTP://WWW.EXAMPLE-EXTREMIST.NET", "HTTP://WWW.EXAMPLE-EXTREMIST.NET"),
        ("یہ ویڈیو دیکھیں news.example-extremist.net/v1 اور شیئر کریں", "news.example-extremist.net/v1"),
        ("Follow @SomeHandle for updates", "@SomeHandle"),
        ("د دې چینل لینک t.me/somehandle دی", "t.me/somehandle"),
        ("Profile: https://x.com/SomeHandle/status/1", "https://x.com/SomeHandle/status/1"),
        ("ویدیو: youtube.com/@somehandle", "youtube.com/@somehandle"),
        ("A post at facebook.com/badpage/posts/1", "facebook.com/badpage/posts/1"),
    ],
)
def test_denylisted_domains_subdomains_profile_links_and_handles_are_blocked(text, expected):
    findings = [f for f in screened(text) if f.rule == "amplification.denylist"]
    assert [f.matched for f in findings] == [expected]
    assert findings[0].severity is Severity.BLOCKER


@pytest.mark.parametrize(
    "text",
    [
        "A lookalike: example-extremist.net.evil.com/page",
        "Another lookalike: https://notexample-extremist.net",
        "A longer handle: @somehandle2",
        "An email is not a handle: info@somehandle.org",
        "A different channel: t.me/otherchannel",
        "A different page on the same site: facebook.com/goodpage",
        "Our own site: https://peace.example.org",
    ],
)
def test_lookalike_domains_other_handles_and_other_pages_are_not_blocked(text):
    assert matched(text, "amplification.denylist") == []


def test_denylist_entries_may_carry_a_scheme_www_and_capitals_and_blank_or_broken_ones_are_ignored():
    denylist = ["", "   ", "@", "not a domain", "http://[broken", "HTTPS://WWW.Example-Extremist.NET/"]
    assert matched("see cdn.example-extremist.net/x", "amplification.denylist", denylist=denylist) == [
        "cdn.example-extremist.net/x"
    ]


def test_nothing_is_denylisted_when_the_team_has_no_denylist():
    assert matched("https://example-extremist.net @somehandle", "amplification.denylist", denylist=()) == []


# --- amplification.banned-group ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TTP claimed the attack on the school.", "TTP"),  # English, sentence start
        ("Yesterday the BLA killed nine passengers.", "BLA"),  # followed by a verb
        ("Police said: Lashkar-e-Jhangvi is behind it", "Lashkar-e-Jhangvi"),
        ("Kal raat TTP ne check post par hamla kiya", "TTP"),  # Roman Urdu ergative "ne"
        ("Tehreek-e-Taliban ne zimmedari qubool ki", "Tehreek-e-Taliban"),
        ("تحریک طالبان پاکستان نے حملے کی ذمہ داری قبول کی", "تحریک طالبان پاکستان"),  # Urdu
        ("کل رات تحریکِ طالبان نے دھمکی دی", "تحریکِ طالبان"),  # Urdu with a zer
        ("ټي ټي پي ادعا کړې چې برید یې کړی", "ټي ټي پي"),  # Pashto
        ("داعش خراسان مسئولیت این حمله را به عهده گرفت", "داعش خراسان"),  # Dari
        ("Mumbai: LeT (Lashkar-e-Taiba) said nothing.", "LeT"),
    ],
)
def test_a_banned_group_as_the_subject_of_a_sentence_is_a_warning(text, expected):
    findings = [f for f in screened(text) if f.rule == "amplification.banned-group"]
    assert expected in [f.matched for f in findings]
    assert all(f.severity is Severity.WARNING and "amplifies" in f.explanation for f in findings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Never again #TTP", "#TTP"),
        ("#StopDaesh now", "#StopDaesh"),
        ("#stopdaesh now", "#stopdaesh"),
        ("#BanTTP", "#BanTTP"),
        ("#تحریک_طالبان_پاکستان", "#تحریک_طالبان_پاکستان"),  # Urdu
        ("نه #داعش ته", "#داعش"),  # Pashto / Dari
        ("#LashkarETaiba", "#LashkarETaiba"),
    ],
)
def test_a_banned_group_as_a_hashtag_is_a_warning(text, expected):
    assert matched(text, "amplification.banned-group") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Both cities suffered attacks claimed by TTP and ISKP.",  # named, but not the subject
        "let it be, bla bla bla, bra sizes",  # abbreviations need their capitals
        "The Taliban government closed girls' schools.",  # the de-facto authorities are not listed
        "Husain Haqqani wrote a book.",  # a family name
        "Pakistan is an Islamic state.",  # an everyday phrase
        "#Blast #letsgo #bravo",  # hashtags that merely start with the letters
        "کئی شہروں میں تحریک طالبان پاکستان کے حملوں کے بعد لوگ متحد ہوئے",  # Urdu, not the subject
        "ماشومان د داعش له بریدونو ځوریږي",  # Pashto, not the subject
        "مردم از حملات داعش رنج می برند",  # Dari, not the subject
        "SSP Lahore said the roads are open.",  # a police rank, not Sipah-e-Sahaba
    ],
)
def test_a_banned_group_named_in_passing_or_a_lookalike_word_is_not_flagged(text):
    assert matched(text, "amplification.banned-group") == []


# --- amplification.glorification ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It was a martyrdom operation against the infidels", "martyrdom operation"),
        ("the brave mujahid who attacked the checkpoint", "brave mujahid who attacked"),
        ("the mujahideen who attacked the checkpoint", "mujahideen who attacked"),
        ("We salute the bombers", "salute the bombers"),
        ("a fidayeen attack on the base", "fidayeen attack"),
        ("Ye fidai hamla tha", "fidai hamla"),  # Roman Urdu
        ("bahadur hamla awar ko salam", "bahadur hamla awar"),
        ("فدائی حملہ کرنے والا ہیرو", "فدائی حملہ"),  # Urdu
        ("وہ بہادر حملہ آور تھا", "بہادر حملہ آور"),
        ("حملہ آور ہیرو تھا", "حملہ آور ہیرو"),
        ("دا استشهادي برید و", "استشهادي برید"),  # Pashto
        ("زړور بریدګر", "زړور بریدګر"),
        ("ځانځاري برید وشو", "ځانځاري برید"),
        ("عملیات استشهادی در کابل", "عملیات استشهادی"),  # Dari
        ("مهاجم قهرمان", "مهاجم قهرمان"),
        ("عملية استشهادية", "استشهادية"),  # Arabic spelling, folded
    ],
)
def test_glorifying_attackers_is_a_warning_in_every_language(text, expected):
    findings = [f for f in screened(text) if f.rule == "amplification.glorification"]
    assert [f.matched for f in findings] == [expected]
    assert findings[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    "text",
    [
        "We honour the martyrs of the Lahore attack.",
        "Kabul aur Lahore ke shaheed hamare apne hain",  # Roman Urdu, victims
        "لاہور دھماکے کے شہداء کو سلام",  # Urdu: "salute to the martyrs" are the victims
        "شہید ہونے والے بچوں کے نام",
        "خودکش حملے میں بیس افراد شہید ہوئے",
        "A brave police officer who stopped the attacker.",
        "Hero stops attacker at the gate",
        "حملہ آور کو روکنے والا ہیرو",  # the hero stopped the attacker
        "د کابل برید شهیدان",  # Pashto, victims
        "ځانمرګی برید",  # Pashto, the neutral word for a suicide attack
        "شهدای حمله کابل",  # Dari, victims
        "حمله انتحاری در کابل",  # Dari, neutral
        "Mujahid Ali scored twice for the university team.",
    ],
)
def test_shaheed_for_victims_and_neutral_words_for_attacks_are_not_flagged(text):
    assert matched(text, "amplification.glorification") == []


# --- personal data ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CNIC: 35202-1234567-1", "35202-1234567-1"),
        ("CNIC 3520212345671 please", "3520212345671"),  # 13 digits unbroken
        ("35202 1234567 1 on the form", "35202 1234567 1"),
        ("میرا شناختی کارڈ نمبر ۳۵۲۰۲-۱۲۳۴۵۶۷-۱ ہے", "۳۵۲۰۲-۱۲۳۴۵۶۷-۱"),  # Persian digits, Urdu
        ("شناختی کارڈ ٣٥٢٠٢-١٢٣٤٥٦٧-١", "٣٥٢٠٢-١٢٣٤٥٦٧-١"),  # Arabic-Indic digits
    ],
)
def test_a_cnic_number_in_any_digits_is_blocked(text, expected):
    findings = [f for f in screened(text) if f.rule == "personal-data.cnic"]
    assert [f.matched for f in findings] == [expected]
    assert findings[0].severity is Severity.BLOCKER


@pytest.mark.parametrize(
    "text",
    ["12345-123456-1 is too short", "35202123456712 has fourteen digits", "On 2017-07-24 both cities grieved"],
)
def test_numbers_that_are_not_cnics_are_not_flagged_as_cnics(text):
    assert matched(text, "personal-data.cnic") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call +92 300 1234567", "+92 300 1234567"),
        ("Call 0300-1234567 now", "0300-1234567"),
        ("WhatsApp +92-321-1234567", "+92-321-1234567"),
        ("Roman Urdu: mera number 03211234567 hai", "03211234567"),
        ("رابطہ: ۰۳۰۰-۱۲۳۴۵۶۷", "۰۳۰۰-۱۲۳۴۵۶۷"),  # Urdu, Persian digits
        ("Afghan: +93 70 123 4567", "+93 70 123 4567"),
        ("شماره من ۰۷۹۹ ۱۲۳ ۴۵۶ است", "۰۷۹۹ ۱۲۳ ۴۵۶"),  # Dari, Persian digits
        ("زما شمېره ۰۷۰۰۱۲۳۴۵۶ ده", "۰۷۰۰۱۲۳۴۵۶"),  # Pashto
        ("+93-799-123-456", "+93-799-123-456"),
    ],
)
def test_pakistani_and_afghan_mobile_numbers_are_blocked(text, expected):
    findings = [f for f in screened(text) if f.rule == "personal-data.phone"]
    assert [f.matched for f in findings] == [expected]
    assert findings[0].severity is Severity.BLOCKER


@pytest.mark.parametrize(
    "text",
    ["On 24 July 2017", "Rescue 1122 answered", "1,234,567 people", "our office: 051-1234567", "0300 alone"],
)
def test_dates_short_numbers_and_landlines_are_not_phone_numbers(text):
    assert matched(text, "personal-data.phone") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to ayesha.khan@gmail.com today", "ayesha.khan@gmail.com"),
        ("رابطہ: Ali_Raza@example.pk", "Ali_Raza@example.pk"),
    ],
)
def test_email_addresses_are_blocked(text, expected):
    assert matched(text, "personal-data.email") == [expected]


@pytest.mark.parametrize("text", ["follow @peace_pk", "meet at 5@home", "peace@ home"])
def test_handles_and_stray_at_signs_are_not_emails(text):
    assert matched(text, "personal-data.email") == []


# --- claims.unsourced ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("70% of young people use Facebook", "70%"),
        ("More than 40 percent of women", "40 percent"),
        ("5 million refugees returned", "5 million"),
        ("According to a recent UNICEF report, cases fell", "According to a recent UNICEF report"),
        ("A study shows that dialogue works", "study shows"),
        ("50 people were killed on 24 July 2017", "50 people were killed"),
        ("70 fisad naujawan", "70 fisad"),  # Roman Urdu
        ("5 lakh afghan wapas gaye", "5 lakh"),
        ("tehqeeq ke mutabiq polio kam hua", "tehqeeq ke mutabiq"),
        ("۷۰ فیصد نوجوان", "۷۰ فیصد"),  # Urdu
        ("تحقیق کے مطابق پولیو کم ہوا", "تحقیق کے مطابق"),
        ("ریسرچ بتاتی ہے کہ", "ریسرچ"),
        ("۳ ہزار خاندان", "۳ ہزار"),
        ("۷۰ سلنه ځوانان", "۷۰ سلنه"),  # Pashto
        ("د څېړنې له مخې پولیو کم شوی", "د څېړنې له مخې"),
        ("۷۰ درصد جوانان", "۷۰ درصد"),  # Dari
        ("۷۰٪ جوانان", "۷۰٪"),
        ("بر اساس گزارش یونیسف", "بر اساس گزارش"),
        ("۳ میلیون مهاجر", "۳ میلیون"),
    ],
)
def test_statistics_and_cited_claims_without_a_source_are_warnings(text, expected):
    findings = [f for f in screened(text) if f.rule == "claims.unsourced"]
    assert [f.matched for f in findings] == [expected]
    assert findings[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    "text",
    [
        "70% of young people use Facebook",
        "تحقیق کے مطابق پولیو کم ہوا",
        "۷۰ درصد جوانان",
        "د څېړنې له مخې پولیو کم شوی",
    ],
)
def test_statistics_are_not_flagged_when_the_message_has_sources(text):
    assert matched(text, "claims.unsourced", facts=WITH_SOURCES) == []


@pytest.mark.parametrize(
    "text",
    [
        "On 24 July 2017 we met in Islamabad",
        "We need 5 volunteers at 3 pm",
        "Act according to your conscience",
        "24 جولائی 2017 کو دونوں شہر سوگوار تھے",
        "In 2017 Hazara families marched",  # "hazar" is not "Hazara"
        "۲۰۱۷ هزاره ها",
    ],
)
def test_dates_counts_of_volunteers_and_plain_words_are_not_statistics(text):
    assert matched(text, "claims.unsourced") == []


# --- victims.consent -------------------------------------------------------------------------------------


def test_a_message_featuring_a_person_without_consent_is_blocked_at_message_level():
    facts = MessageFacts(has_sources=True, features_person=True, consent_reference="")
    findings = [f for f in screened("Her story", facts=facts) if f.rule == "victims.consent"]
    assert len(findings) == 1
    assert (findings[0].start, findings[0].end, findings[0].matched) == (-1, -1, "")
    assert findings[0].severity is Severity.BLOCKER


@pytest.mark.parametrize(
    ("features_person", "reference", "flagged"),
    [(True, "   ", True), (True, "consent form 2026-014, signed by her brother", False), (False, "", False)],
)
def test_consent_is_asked_for_only_when_a_person_is_featured_without_a_reference(features_person, reference, flagged):
    facts = MessageFacts(has_sources=True, features_person=features_person, consent_reference=reference)
    assert bool(matched("Her story", "victims.consent", facts=facts) == [""]) is flagged


# --- language.dehumanising -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Afghans are rats", "Afghans are rats"),
        ("Refugees are a cancer on this city", "Refugees are a cancer"),
        ("They are subhuman", "subhuman"),
        ("Shias are kafirs", "Shias are kafirs"),
        ("ye afghani keeray makoray hain", "afghani keeray makoray hain"),  # Roman Urdu
        ("shia kafir hain", "shia kafir"),
        ("wajib ul qatl", "wajib ul qatl"),
        ("یہ افغانی کیڑے مکوڑے ہیں", "افغانی کیڑے مکوڑے ہیں"),  # Urdu
        ("کافر کافر شیعہ کافر", "کافر کافر"),
        ("وہ غدار ہے", "غدار"),
        ("قادیانی", "قادیانی"),
        ("پنجابیان سپي دي", "پنجابیان سپي دي"),  # Pashto
        ("هغه کافر دی", "کافر دی"),
        ("هزاره‌ها حیوان هستند", "هزاره‌ها حیوان هستند"),  # Dari, with ZWNJ
        ("شیعه‌ها کافرند", "شیعه‌ها کافرند"),
        ("موش‌خور", "موش‌خور"),
    ],
)
def test_dehumanising_terms_and_slurs_are_warnings_in_every_language(text, expected):
    findings = [f for f in screened(text) if f.rule == "language.dehumanising"]
    assert expected in [f.matched for f in findings]
    assert all(f.severity is Severity.WARNING and f.explanation for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "Ahmadis are not kafir",
        "Afghan refugees and their animals crossed at Torkham",
        "Afghan shepherds are animal lovers",
        "shia kafir nahi hain",  # Roman Urdu negation
        "افغانستان میں جانور ہیں",  # "there are animals in Afghanistan"
        "افغانوں کے پاس جانور ہیں",  # "Afghans have animals"
        "شیعہ کافر نہیں",
        "دا د افغانانو څاروي دي",  # Pashto: "these are the Afghans' animals"
        "شیعه‌ها کافر نیستند",  # Dari negation
        "هزاره‌ها حیوانات دارند",  # Dari: "Hazaras have animals"
        "The 1857 ghadar and the partition",
    ],
)
def test_negations_possessions_and_ordinary_uses_are_not_dehumanising(text):
    assert matched(text, "language.dehumanising") == []


# --- narrative.cliche -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The RAW-NDS nexus is destabilising Pakistan", "RAW-NDS nexus"),
        ("RAW – NDS again", "RAW – NDS"),
        ("#RAWNDS", "RAWNDS"),
        ("It is the foreign hand", "foreign hand"),
        ("Afghans are ungrateful", "Afghans are ungrateful"),
        ("The Punjabi establishment is behind every attack", "Punjabi establishment is behind"),
        ("yeh bairooni haath hai", "bairooni haath"),  # Roman Urdu
        ("namak haram afghani", "namak haram afghani"),
        ("را این ڈی ایس گٹھ جوڑ", "را این ڈی ایس گٹھ جوڑ"),  # Urdu
        ("یہ بیرونی ہاتھ ہے", "بیرونی ہاتھ"),
        ("نمک حرام افغان", "نمک حرام افغان"),
        ("دا بهرنی لاس دی", "بهرنی لاس"),  # Pashto
        ("د آی ایس آی لاس", "د آی ایس آی لاس"),
        ("این دست خارجی است", "دست خارجی"),  # Dari
        ("دست آی‌اس‌آی", "دست آی‌اس‌آی"),
    ],
)
def test_cliched_blame_narratives_are_info_with_a_reframe(text, expected):
    findings = [f for f in screened(text) if f.rule == "narrative.cliche"]
    assert [f.matched for f in findings] == [expected]
    assert findings[0].severity is Severity.INFO
    assert findings[0].suggestion


def test_the_raw_nds_reframe_names_the_shared_cost():
    (finding,) = [f for f in screened("RAW-NDS nexus") if f.rule == "narrative.cliche"]
    assert finding.suggestion == "Name the shared cost instead: both cities lost people on 24 July 2017."


@pytest.mark.parametrize(
    "text",
    [
        "raw vegetables and NDS reports",  # not next to each other
        "Hands across the border",
        "ہاتھ ملاؤ، دوستی بڑھاؤ",  # Urdu
        "لاس په لاس",  # Pashto
        "دست به دست هم",  # Dari
        "Afghans are grateful neighbours",
    ],
)
def test_ordinary_words_near_cliches_are_not_flagged(text):
    assert matched(text, "narrative.cliche") == []


# --- hygiene ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u202a", "\u202b"])
def test_bidi_controls_are_blocked_at_their_position(control):
    text = f"امن{control}peace"
    findings = [f for f in screened(text) if f.rule == "hygiene.bidi"]
    assert [(f.start, f.end, f.matched) for f in findings] == [(3, 4, control)]
    assert findings[0].severity is Severity.BLOCKER


def test_ordinary_direction_marks_are_not_blocked():
    assert matched("امن\u200f and \u200epeace", "hygiene.bidi") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("یہاں کلک کریں javascript:alert(1) ابھی", "javascript:alert(1)"),
        ("see ftp://files.example.org/a now", "ftp://files.example.org/a"),
    ],
)
def test_links_that_are_not_web_links_are_blocked_whole(text, expected):
    assert matched(text, "hygiene.link") == [expected]


def test_web_links_are_not_hygiene_findings():
    assert matched("see https://example.org/a at 10:30", "hygiene.link") == []


# --- spans, ordering, content -----------------------------------------------------------------------------


def test_spans_point_into_the_original_text_across_diacritics_and_zero_width_joiners():
    text = "سلام! فَدائی حملہ اور هزاره\u200cها حیوان هستند"
    findings = screened(text)
    assert {f.matched for f in findings} >= {"فَدائی حملہ", "هزاره\u200cها حیوان هستند"}


def test_findings_are_sorted_by_start_with_message_level_findings_first():
    facts = MessageFacts(has_sources=False, features_person=True, consent_reference="")
    text = "Call 0300-1234567. 70% agree. TTP claimed it. The foreign hand \u202e"
    findings = screened(text, facts=facts)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert findings[0].rule == "victims.consent"
    assert [f.rule for f in findings][1:] == [
        "personal-data.phone",
        "claims.unsourced",
        "amplification.banned-group",
        "narrative.cliche",
        "hygiene.bidi",
    ]


def test_a_clean_message_has_no_findings():
    text = "Kabul aur Lahore ke shaheed hamare apne hain. #SharedGrief https://example.org"
    assert screened(text, facts=WITH_SOURCES) == []


def test_every_rule_is_listed_with_its_severity_and_languages():
    listed = {rule.id: rule for rule in rules()}
    assert {rule_id: rule.severity.value for rule_id, rule in listed.items()} == {
        "amplification.denylist": "blocker",
        "amplification.banned-group": "warning",
        "amplification.glorification": "warning",
        "personal-data.cnic": "blocker",
        "personal-data.phone": "blocker",
        "personal-data.email": "blocker",
        "claims.unsourced": "warning",
        "victims.consent": "blocker",
        "language.dehumanising": "warning",
        "narrative.cliche": "info",
        "hygiene.bidi": "blocker",
        "hygiene.link": "blocker",
    }
    five = ("en", "roman_ur", "ur", "ps", "fa")
    for rule_id in (
        "amplification.banned-group",
        "amplification.glorification",
        "claims.unsourced",
        "language.dehumanising",
        "narrative.cliche",
    ):
        assert listed[rule_id].languages == five
    assert listed["personal-data.cnic"].languages == ("any",)
    assert all(set(rule.languages) <= set(LANGUAGE_NAMES) and rule.title and rule.summary for rule in rules())


# --- broken content ------------------------------------------------------------------------------------------


@pytest.fixture
def content_copy(tmp_path):
    folder = tmp_path / "screening"
    shutil.copytree(SCREENING_DIR, folder)
    return folder


def _replace(path, old, new):
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_the_shipped_content_loads():
    assert load_screening().groups


def test_a_broken_pattern_names_its_file_entry_and_field(content_copy):
    _replace(content_copy / "glorification.yaml", "- 'martyrdom (?:operation", "- '(martyrdom (?:operation")
    with pytest.raises(
        ContentError,
        match=r"glorification\.yaml: entries entry 1 \(martyrdom-operation\), "
        r"field patterns\.en\[0\]: not a valid pattern",
    ):
        load_screening(content_copy)


def test_an_unknown_field_names_its_file_and_field(content_copy):
    _replace(content_copy / "dehumanising.yaml", "  - id: takfir\n", "  - id: takfir\n    colour: red\n")
    with pytest.raises(ContentError, match=r"dehumanising\.yaml: entries entry 2 \(takfir\), field colour"):
        load_screening(content_copy)


def test_an_unknown_list_in_a_pattern_is_named(content_copy):
    _replace(content_copy / "claims.yaml", "{magnitudes}", "{magnitude}")
    with pytest.raises(ContentError, match=r"claims\.yaml: .*field patterns\.any\[0\]: unknown list \{magnitude\}"):
        load_screening(content_copy)


def test_a_misspelt_language_in_a_lexicon_is_named(content_copy):
    _replace(content_copy / "banned-groups.yaml", "subject_markers:\n  en:", "subject_markers:\n  english:")
    with pytest.raises(ContentError, match=r"banned-groups\.yaml: field subject_markers\.english"):
        load_screening(content_copy)


def test_a_cliche_without_a_reframe_is_refused(content_copy):
    _replace(
        content_copy / "cliches.yaml",
        '    suggestion: "Say what is known and who was hurt, and point to a verified source instead of an unnamed '
        'hand."\n',
        "",
    )
    with pytest.raises(ContentError, match=r"cliches\.yaml: entries entry 2 \(foreign-hand\), field suggestion"):
        load_screening(content_copy)


def test_personal_data_must_define_cnic_phone_and_email(content_copy):
    _replace(content_copy / "personal-data.yaml", "  - id: email", "  - id: mail")
    with pytest.raises(ContentError, match=r"personal-data\.yaml: field entries: needs exactly"):
        load_screening(content_copy)


def test_an_unreadable_file_is_named(content_copy):
    (content_copy / "denylist.yaml").write_text("profile_hosts: [unclosed\n", "utf-8")
    with pytest.raises(ContentError, match=r"denylist\.yaml: cannot be read"):
        load_screening(content_copy)
