"""Badges: Open Badges 2.0 hosted documents (issuer, badge class, assertion; revoked: 410),
Open Badges 3.0 credentials signed as VC-JWTs and checked with the published key, awarding
once (on a certificate, by a mentor), revoking, who may do what, the pages and the API."""

import hashlib
import io
import uuid
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from assessments.badges import openbadges as ob
from assessments.badges.checks import badge_signing_key
from assessments.badges.signing import b64url, issuer_key
from assessments.models import BadgeAward, Certificate
from assessments.services.badges import (
    badge_award,
    badge_award_by_email,
    badge_award_revoke,
    badge_class_create,
    badge_class_update,
)
from assessments.services.certificates import certificate_issue_if_earned
from assessments.tests.factories import BadgeAwardFactory, BadgeClassFactory
from courses.tests.factories import CourseFactory
from enrollments.tests.factories import EnrollmentFactory
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from notifications.models import Notification

pytestmark = pytest.mark.django_db

SITE = "https://learn.kalpla.example"
OB2 = "https://w3id.org/openbadges/v2"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.KALPLA_BADGE_SIGNING_KEY = ""


@pytest.fixture
def course(mentor):
    return CourseFactory(instructors=[mentor], title="Git and GitHub")


@pytest.fixture
def learner(course):
    user = UserFactory(roles=("Student",), name="Asha Learner", email="Asha@Example.com")
    EnrollmentFactory(user=user, course=course)
    return user


@pytest.fixture
def badge(course, mentor):
    return badge_class_create(
        user=mentor,
        course=course,
        name="Git Explorer",
        description="Knows branches, merges and pull requests.",
        criteria="Complete Git and GitHub with a passing grade.",
        trigger="course_passed",
    )


def _path(url: str) -> str:
    """A document's own absolute URL, as the test client requests it."""
    assert url.startswith(SITE + "/"), url
    return url[len(SITE) :]


def _fetch(client, url: str, status: int = 200) -> dict:
    response = client.get(_path(url))
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/ld+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


# --- Open Badges 2.0 ---------------------------------------------------------------------------


def test_assertion_badge_class_and_issuer_are_ob2_json_ld_that_link_up(client, badge, learner):
    award = badge_award(badge=badge, recipient=learner, evidence_url=f"{SITE}/certificates/X/")
    assertion = _fetch(client, ob.url("badge_assertion", award.uid))
    # the assertion: required fields of OB 2.0, its id its own URL, hosted verification
    assert assertion["@context"] == OB2 and assertion["type"] == "Assertion"
    assert assertion["id"] == f"{SITE}/badges/assertions/{award.uid}/"
    assert assertion["verification"] == {"type": "hosted"}
    assert assertion["issuedOn"] == award.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert assertion["evidence"] == [{"type": "Evidence", "id": f"{SITE}/certificates/X/"}]
    recipient = assertion["recipient"]
    assert (recipient["type"], recipient["hashed"]) == ("email", True)
    # the hashed recipient verifies against the learner's email and the salt
    expected = hashlib.sha256(("asha@example.com" + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == f"sha256${expected}"
    assert "asha" not in str(assertion).lower()  # no email in the clear
    # the badge class it names resolves, and names the issuer, which resolves too
    badge_class = _fetch(client, assertion["badge"])
    assert badge_class["@context"] == OB2 and badge_class["type"] == "BadgeClass"
    assert badge_class["id"] == assertion["badge"]
    for field in ("name", "description", "image", "criteria", "issuer"):
        assert badge_class[field], field
    assert badge_class["criteria"]["narrative"] == badge.criteria
    assert badge_class["criteria"]["id"] == f"{SITE}/courses/{badge.course.slug}/"
    # the image is the badge's public file (served by the public storage, S3 in production)
    assert badge_class["image"] == f"{SITE}{storages['public'].url(badge.image)}"
    with storages["public"].open(badge.image) as stored, Image.open(stored) as image:
        assert image.format == "PNG"
    issuer = _fetch(client, badge_class["issuer"])
    assert issuer["@context"] == OB2 and issuer["type"] == "Issuer"
    assert issuer["id"] == badge_class["issuer"] == f"{SITE}/badges/issuer/"
    assert issuer["name"] == "Kalpla" and issuer["url"] == f"{SITE}/" and issuer["email"]


def test_documents_answer_plain_json_to_a_client_that_asks_for_it(client, badge):
    response = client.get(_path(ob.url("badge_class", badge.uid)), HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    assert response.json()["type"] == "BadgeClass"


def test_a_revoked_assertion_answers_410_with_revoked_true_and_the_reason(
    client, badge, learner, mentor
):
    award = badge_award(badge=badge, recipient=learner)
    badge_award_revoke(user=mentor, award=award, reason="Copied the final project.")
    body = _fetch(client, ob.url("badge_assertion", award.uid), status=410)
    assert body["id"] == f"{SITE}/badges/assertions/{award.uid}/"
    assert body["revoked"] is True
    assert body["revocationReason"] == "Copied the final project."
    assert "recipient" not in body


def test_unknown_badges_and_awards_are_404(client):
    for name in ("badge_class", "badge_assertion", "badge_award"):
        assert client.get(reverse(f"assessments:{name}", args=[uuid.uuid4()])).status_code == 404


def test_the_assertion_is_read_in_one_query(client, badge, learner, django_assert_num_queries):
    award = badge_award(badge=badge, recipient=learner)
    with django_assert_num_queries(1):
        client.get(reverse("assessments:badge_assertion", args=[award.uid]))


# --- Open Badges 3.0 ---------------------------------------------------------------------------


def _public_key(client, token: str):
    """The key the token's header names, fetched from the issuer's published key set."""
    kid = jwt.get_unverified_header(token)["kid"]
    jwks = client.get(reverse("assessments:badge_jwks")).json()
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == kid]
    assert client.get(_path(kid)).json() == jwk  # the kid URL is the key itself
    return jwt.PyJWK(jwk).key


def _credential_jwt(client, learner, award) -> str:
    client.force_login(learner)
    response = client.get(reverse("assessments:badge_credential_jwt", args=[award.uid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/jwt"
    assert "attachment" in response["Content-Disposition"]
    return response.content.decode()


def test_the_credential_is_an_ob3_vc_jwt_signed_with_the_published_key(client, badge, learner):
    award = badge_award(badge=badge, recipient=learner, evidence_url=f"{SITE}/certificates/X/")
    token = _credential_jwt(client, learner, award)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["typ"] == "JWT"
    assert header["kid"].startswith(f"{SITE}/badges/keys/")
    # verified with the public key fetched through the site, not with the private key
    claims = jwt.decode(token, _public_key(client, token), algorithms=["EdDSA"])
    assert claims["iss"] == claims["issuer"]["id"] == f"{SITE}/badges/issuer/profile/"
    assert claims["jti"] == claims["id"] == f"urn:uuid:{award.uid}"
    assert claims["sub"] == claims["credentialSubject"]["id"]
    assert claims["nbf"] == int(award.issued_at.timestamp())
    # the credential's shape (OB 3.0, VC data model 2.0)
    assert claims["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["validFrom"] == award.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert claims["issuer"]["type"] == ["Profile"] and claims["issuer"]["name"] == "Kalpla"
    subject = claims["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    (identity,) = subject["identifier"]
    assert identity["identityType"] == "emailAddress" and identity["hashed"] is True
    expected = hashlib.sha256(("asha@example.com" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["id"] == ob.url("badge_class", badge.uid)
    assert achievement["name"] == "Git Explorer"
    assert achievement["criteria"]["narrative"] == badge.criteria
    assert achievement["image"] == {"id": ob.badge_image_url(badge), "type": "Image"}
    assert claims["evidence"] == [{"type": ["Evidence"], "id": f"{SITE}/certificates/X/"}]


def test_a_tampered_credential_fails_verification(client, badge, learner):
    award = badge_award(badge=badge, recipient=learner)
    token = _credential_jwt(client, learner, award)
    key = _public_key(client, token)
    header, payload, signature = token.split(".")
    forged = jwt.api_jws.base64url_decode(payload).replace(b"Git Explorer", b"Git Wizardry")
    tampered = ".".join([header, b64url(forged), signature])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tampered, key, algorithms=["EdDSA"])
    # and a token signed by another key does not verify with the issuer's
    other = jwt.encode(
        jwt.decode(token, key, algorithms=["EdDSA"]),
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
    )
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(other, key, algorithms=["EdDSA"])


def test_the_issuer_profile_publishes_its_verification_method(client):
    profile = client.get(reverse("assessments:badge_issuer_profile")).json()
    assert profile["id"] == f"{SITE}/badges/issuer/profile/" and profile["type"] == ["Profile"]
    (method,) = profile["verificationMethod"]
    jwks = client.get(reverse("assessments:badge_jwks")).json()
    assert method["publicKeyJwk"] == jwks["keys"][0]
    assert method["id"] == jwks["keys"][0]["kid"] and method["controller"] == profile["id"]
    assert (method["publicKeyJwk"]["kty"], method["publicKeyJwk"]["crv"]) == ("OKP", "Ed25519")
    assert "d" not in method["publicKeyJwk"]  # never the private part
    assert client.get(reverse("assessments:badge_key", args=["nope"])).status_code == 404


def test_a_configured_key_signs_and_a_missing_one_is_derived_from_the_secret_key(settings):
    derived = issuer_key()
    assert derived.derived
    settings.SECRET_KEY = "another-secret-" * 4
    assert issuer_key().thumbprint != derived.thumbprint  # derived from SECRET_KEY
    seed = bytes(range(32))
    settings.KALPLA_BADGE_SIGNING_KEY = b64url(seed)
    configured = issuer_key()
    assert not configured.derived
    expected = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    assert configured.x == b64url(expected)


def test_the_start_up_check_names_a_missing_or_unreadable_key(settings):
    settings.DEBUG = True
    assert badge_signing_key() == []  # development: a derived key, logged
    settings.DEBUG = False
    (warning,) = badge_signing_key()
    assert warning.id == "assessments.W001" and "KALPLA_BADGE_SIGNING_KEY" in warning.hint
    settings.KALPLA_BADGE_SIGNING_KEY = "not a key"
    (error,) = badge_signing_key()
    assert error.id == "assessments.E001"
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip
    settings.KALPLA_BADGE_SIGNING_KEY = pem.replace("\n", "\\n")  # one line, as in an env file
    assert badge_signing_key() == []
    assert not issuer_key().derived


def test_only_the_recipient_and_staff_download_the_credential(client, badge, learner, admin_user):
    award = badge_award(badge=badge, recipient=learner)
    url = reverse("assessments:badge_credential_json", args=[award.uid])
    for user, status in ((learner, 200), (admin_user, 200), (UserFactory(), 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
    client.force_login(learner)
    assert client.get(url).json()["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    badge_award_revoke(user=admin_user, award=award, reason="Mistake.")
    assert client.get(url).status_code == 410


# --- awarding ----------------------------------------------------------------------------------


def test_awarding_is_idempotent_and_tells_the_learner_once(
    badge, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = badge_award(badge=badge, recipient=learner)
        again = badge_award(badge=badge, recipient=learner)
    assert first.pk == again.pk
    assert BadgeAward.objects.filter(badge=badge, recipient=learner).count() == 1
    (notice,) = Notification.objects.filter(recipient=learner, kind="assessments.badge_awarded")
    assert notice.url == reverse("assessments:badge_award", args=[first.uid])
    assert "Git Explorer" in notice.title


def test_a_revoked_award_stays_revoked_when_awarded_again(badge, learner, mentor):
    award = badge_award(badge=badge, recipient=learner)
    badge_award_revoke(user=mentor, award=award, reason="Copied.")
    assert badge_award(badge=badge, recipient=learner).is_revoked
    with pytest.raises(Conflict):
        badge_award_revoke(user=mentor, award=award, reason="Again.")


def test_issuing_a_certificate_awards_the_course_badge_and_platform_wide_ones(
    badge, learner, admin_user, django_capture_on_commit_callbacks
):
    # given: a badge of another course, a manual one of this course and a platform-wide one
    BadgeClassFactory()
    BadgeClassFactory(course=badge.course, trigger="manual")
    first_course = badge_class_create(
        user=admin_user, course=None, name="First course", description="Finished a course.",
        criteria="Pass any course.",
    )  # fmt: skip
    EnrollmentFactory._meta.model.objects.filter(user=learner).update(status="completed")
    # when: the certificate is issued (the course has no quizzes: it is earned)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue_if_earned(student_id=learner.pk, course_id=badge.course_id)
    # then: the course's badge and the platform-wide one, with the certificate as evidence
    awards = BadgeAward.objects.filter(recipient=learner).order_by("badge__name")
    assert [a.badge for a in awards] == [first_course, badge]
    check_page = f"{SITE}/certificates/{certificate.code}/"
    assert {a.evidence_url for a in awards} == {check_page}
    # a reissued certificate earns nothing twice
    certificate.status = Certificate.Status.REVOKED
    certificate.save()
    with django_capture_on_commit_callbacks(execute=True):
        certificate_issue_if_earned(student_id=learner.pk, course_id=badge.course_id)
    assert BadgeAward.objects.filter(recipient=learner).count() == 2


def test_a_mentor_awards_by_hand_only_to_the_course_learners(badge, learner, mentor):
    outsider = UserFactory(email="out@example.com")
    with pytest.raises(ValidationError) as refused:
        badge_award_by_email(user=mentor, badge=badge, email="out@example.com")
    assert "email" in refused.value.errors
    with pytest.raises(ValidationError):
        badge_award_by_email(user=mentor, badge=badge, email="nobody@example.com")
    award = badge_award_by_email(
        user=mentor, badge=badge, email="ASHA@example.com", narrative="Helped others."
    )
    assert award.recipient == learner and award.awarded_by == mentor
    assert award.narrative == "Helped others."
    with pytest.raises(Conflict):
        badge_award_by_email(user=mentor, badge=badge, email=learner.email)
    assert not BadgeAward.objects.filter(recipient=outsider).exists()


def test_another_courses_mentor_cannot_award_revoke_or_edit(badge, learner, mentor):
    other_mentor = UserFactory(roles=("Mentor",))
    CourseFactory(instructors=[other_mentor])
    with pytest.raises(PermissionDenied):
        badge_award_by_email(user=other_mentor, badge=badge, email=learner.email)
    with pytest.raises(PermissionDenied):
        badge_award(badge=badge, recipient=learner, awarded_by=other_mentor)
    award = badge_award(badge=badge, recipient=learner)
    with pytest.raises(PermissionDenied):
        badge_award_revoke(user=other_mentor, award=award, reason="No.")
    with pytest.raises(PermissionDenied):
        badge_class_update(
            user=other_mentor, badge=badge, name="X", description="X", criteria="X",
            trigger="manual",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        badge_class_create(
            user=mentor, course=None, name="X", description="X", criteria="X"
        )  # platform-wide badges are staff's
    with pytest.raises(ValidationError):
        badge_award_revoke(user=mentor, award=award, reason="  ")  # a reason is required


def test_the_other_mentor_gets_403_on_the_teach_pages(client, badge, learner):
    other_mentor = UserFactory(roles=("Mentor",))
    CourseFactory(instructors=[other_mentor])
    award = badge_award(badge=badge, recipient=learner)
    client.force_login(other_mentor)
    assert (
        client.get(reverse("assessments:teach_badges", args=[badge.course.slug])).status_code == 403
    )
    assert client.get(reverse("assessments:teach_badge", args=[badge.pk])).status_code == 403
    response = client.post(
        reverse("assessments:teach_badge_award", args=[badge.pk]), {"email": learner.email}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("assessments:teach_badge_revoke", args=[award.pk]), {"reason": "No."}
    )
    assert response.status_code == 403
    award.refresh_from_db()
    assert not award.is_revoked


# --- images ------------------------------------------------------------------------------------


def _png(size=(300, 200), color="red") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return SimpleUploadedFile("medal.png", out.getvalue(), content_type="image/png")


def test_an_uploaded_image_becomes_a_square_png_and_svg_is_refused(course, mentor):
    badge = badge_class_create(
        user=mentor, course=course, name="Merge Master", description="d", criteria="c",
        image=_png(),
    )  # fmt: skip
    with storages["public"].open(badge.image) as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (512, 512))
        assert image.getpixel((256, 256))[:3] == (255, 0, 0)
    svg = SimpleUploadedFile(
        "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    with pytest.raises(ValidationError) as refused:
        badge_class_update(
            user=mentor, badge=badge, name="Merge Master", description="d", criteria="c",
            trigger="manual", image=svg,
        )  # fmt: skip
    assert "image" in refused.value.errors


def test_a_badge_without_an_image_gets_a_generated_one(badge):
    with storages["public"].open(badge.image) as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (512, 512))
    assert ob.badge_image_url(badge).startswith(f"{SITE}/media/public/badges/")


# --- pages -------------------------------------------------------------------------------------


def test_the_share_page_shows_the_badge_with_og_tags_and_links(client, badge, learner):
    award = badge_award(badge=badge, recipient=learner)
    html = client.get(reverse("assessments:badge_award", args=[award.uid])).content.decode()
    assert "Git Explorer" in html and "Asha Learner" in html and "Valid." in html
    assert f'<meta property="og:image" content="{ob.badge_image_url(badge)}">' in html
    assert f'<meta property="og:url" content="{SITE}/badges/awards/{award.uid}/">' in html
    assert ob.url("badge_assertion", award.uid) in html
    assert "www.linkedin.com/sharing/share-offsite/" in html
    assert "Download the credential" not in html  # only its recipient downloads it
    assert "asha@example.com" not in html.lower()
    client.force_login(learner)
    html = client.get(reverse("assessments:badge_award", args=[award.uid])).content.decode()
    assert reverse("assessments:badge_credential_jwt", args=[award.uid]) in html
    add = next(part.split('"')[0] for part in html.split('href="')[1:] if "profile/add" in part)
    query = parse_qs(urlsplit(add.replace("&amp;", "&")).query)
    assert query["name"] == ["Git Explorer"] and query["certId"] == [str(award.uid)]


def test_a_revoked_award_page_says_revoked(client, badge, learner, mentor):
    award = badge_award(badge=badge, recipient=learner)
    badge_award_revoke(user=mentor, award=award, reason="Copied the final project.")
    html = client.get(reverse("assessments:badge_award", args=[award.uid])).content.decode()
    assert "Revoked." in html and "Copied the final project." in html
    assert "linkedin" not in html.lower()


def test_my_certificates_page_lists_my_badges(
    client, badge, learner, django_assert_max_num_queries
):
    for i in range(12):
        BadgeAwardFactory(recipient=learner, badge=BadgeClassFactory(course=CourseFactory()))
    badge_award(badge=badge, recipient=learner)
    client.force_login(learner)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("assessments:my_certificates")).content.decode()
    assert "Git Explorer" in html and "Git and GitHub" in html
    assert reverse("assessments:badge_award", args=[learner.badge_awards.first().uid]) in html


def test_a_mentor_creates_awards_and_revokes_from_the_teach_pages(client, course, learner, mentor):
    client.force_login(mentor)
    page = client.get(reverse("assessments:teach_badges", args=[course.slug]))
    assert page.status_code == 200 and "No badges yet" in page.content.decode()
    response = client.post(
        reverse("assessments:teach_badges", args=[course.slug]),
        {"name": "Helper", "description": "Helps others.", "criteria": "Answers questions.",
         "trigger": "manual", "image": _png()},
    )  # fmt: skip
    assert response.status_code == 302
    badge = course.badge_classes.get()
    assert badge.image and badge.trigger == "manual"
    # a wrong email stays in the form with its error
    response = client.post(
        reverse("assessments:teach_badge_award", args=[badge.pk]), {"email": "who@example.com"}
    )
    assert response.status_code == 400
    assert "No learner of this course has this email." in response.content.decode()
    response = client.post(
        reverse("assessments:teach_badge_award", args=[badge.pk]), {"email": learner.email}
    )
    assert response.status_code == 302
    award = BadgeAward.objects.get(badge=badge)
    assert client.get(response.url).content.decode().count(learner.email) >= 1
    client.post(reverse("assessments:teach_badge_revoke", args=[award.pk]), {"reason": ""})
    award.refresh_from_db()
    assert not award.is_revoked  # a reason is required
    client.post(reverse("assessments:teach_badge_revoke", args=[award.pk]), {"reason": "Oops."})
    award.refresh_from_db()
    assert award.is_revoked and award.revoked_by == mentor and award.revoked_reason == "Oops."


def test_the_badge_page_lists_awards_in_bounded_queries(
    client, badge, mentor, django_assert_max_num_queries
):
    for _ in range(30):
        BadgeAwardFactory(badge=badge, awarded_by=mentor)
    client.force_login(mentor)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("assessments:teach_badge", args=[badge.pk]))
    assert response.content.decode().count('<tr id="award-') == 30


# --- API ---------------------------------------------------------------------------------------


def test_the_api_lists_only_my_badges_with_their_links(
    badge, learner, django_assert_max_num_queries
):
    other = UserFactory()
    BadgeAwardFactory(badge=badge, recipient=other)
    for _ in range(8):
        BadgeAwardFactory(recipient=learner)
    award = badge_award(badge=badge, recipient=learner)
    api = APIClient()
    api.force_authenticate(learner)
    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/me/badges/").json()
    assert body["count"] == 9
    first = body["results"][0]
    assert first["uid"] == str(award.uid) and first["revoked"] is False
    assert first["badge"]["course"] == {
        "id": badge.course_id,
        "slug": badge.course.slug,
        "title": "Git and GitHub",
    }
    assert first["assertion_url"] == f"{SITE}/badges/assertions/{award.uid}/"
    assert first["share_url"] == f"{SITE}/badges/awards/{award.uid}/"
    assert first["badge"]["image_url"].startswith(f"{SITE}/media/public/badges/")
    credential = api.get(first["credential_url"]).json()
    client = APIClient()
    jwks = client.get(reverse("assessments:badge_jwks")).json()
    claims = jwt.decode(credential["jwt"], jwt.PyJWK(jwks["keys"][0]).key, algorithms=["EdDSA"])
    assert claims["id"] == credential["credential"]["id"] == f"urn:uuid:{award.uid}"
    # another learner's award is not found; a revoked one is a conflict
    mine_not = BadgeAward.objects.get(recipient=other)
    assert api.get(f"/api/v1/me/badges/{mine_not.pk}/credential/").status_code == 404
    badge_award_revoke(user=badge.course.instructors.first(), award=award, reason="x")
    response = api.get(f"/api/v1/me/badges/{award.pk}/credential/")
    assert response.status_code == 409 and response.json()["code"] == "revoked"
    assert APIClient().get("/api/v1/me/badges/").status_code == 401
