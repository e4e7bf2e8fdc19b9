def test_home_anonymous_renders(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Kalpla" in response.content


def test_home_signed_in_greets_by_role(client, mentor):
    client.force_login(mentor)
    response = client.get("/")
    assert response.status_code == 200
    assert "mentor" in response.content.decode().lower()
