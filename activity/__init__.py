"""Learning activity: the one vocabulary of what people do on the platform, and ``track()``.

A platform package (README, "Architecture"): every app may call ``activity.track()`` from its
services; it imports no product app. ``track()`` records nothing itself: once the surrounding
transaction commits it sends the documented ``learning_event`` signal, which the analytics app
(at the top of the layer order) listens to and stores. So a lower app reports activity without
importing analytics, and a rolled-back write reports nothing.
"""
