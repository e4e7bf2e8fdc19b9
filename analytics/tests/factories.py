import factory

from analytics.models import Experiment, Variant


class ExperimentFactory(factory.django.DjangoModelFactory):
    """A draft with a control and one treatment, half and half."""

    class Meta:
        model = Experiment
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"experiment-{n}")
    name = factory.Sequence(lambda n: f"Experiment {n}")
    goal_verbs = factory.LazyFunction(lambda: ["enrolled"])
    primary_goal = "enrolled"

    @factory.post_generation
    def variants(self, create, extracted, **kwargs):
        if not create:
            return
        specs = extracted or (("control", 50, True), ("treatment", 50, False))
        for key, weight, control in specs:
            Variant.objects.create(
                experiment=self, key=key, name=key.title(), weight=weight, is_control=control
            )
