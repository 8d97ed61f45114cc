//! The demo commune's dialogue: a question answered by the town hall, one
//! waiting for its answer, and a resident's proposal with its first support.

use miroir_dialogue::domain::settings::DEFAULT_SUPPORT_THRESHOLD;
use miroir_dialogue::domain::{proposal, question};
use miroir_dialogue::read_model::DialogueView;
use miroir_eventstore::decider::{Decider, EventCodec, Target, execute};
use miroir_eventstore::event::now_us;
use miroir_eventstore::{EventStore, Metadata};

use super::{COMMITMENT_DAYS, COMMUNE, DemoAccounts};

const DAY_US: i64 = 24 * 3600 * 1_000_000;

/// Seeds the dialogue once: only into an empty log.
pub async fn seed(store: &EventStore, accounts: &DemoAccounts) -> anyhow::Result<()> {
    if store.head().await? > 0 {
        return Ok(());
    }
    let now = now_us();
    let answered = uuid::Uuid::now_v7().to_string();
    let ask = |id: &str, title: &str, body: &str, at_us: i64| question::Command::Ask {
        question_id: id.to_owned(),
        commune: COMMUNE.into(),
        author: accounts.resident.clone(),
        title: title.into(),
        body: body.into(),
        commitment_days: COMMITMENT_DAYS,
        at_us,
    };
    let asked = ask(
        &answered,
        "Quand la piscine Saint-Merri rouvrira-t-elle ?",
        "Elle est fermée depuis septembre. Y a-t-il une date de réouverture ?",
        now - 4 * DAY_US,
    );
    run::<question::QuestionDecider>(store, ("question", &answered), &accounts.resident, || asked.clone()).await?;
    let answer = question::Command::Answer {
        commune: COMMUNE.into(),
        question_id: answered.clone(),
        answerer: accounts.agent.clone(),
        body: "Les travaux de la chaufferie se terminent fin novembre : la piscine rouvre le lundi 7 décembre.".into(),
        at_us: now - DAY_US,
    };
    run::<question::QuestionDecider>(store, ("question", &answered), &accounts.agent, || answer.clone()).await?;
    let waiting = uuid::Uuid::now_v7().to_string();
    let asked = ask(
        &waiting,
        "Horaires de la déchetterie pendant les fêtes",
        "La déchetterie sera-t-elle ouverte entre Noël et le jour de l'an ?",
        now - 2 * DAY_US,
    );
    run::<question::QuestionDecider>(store, ("question", &waiting), &accounts.resident, || asked.clone()).await?;

    let idea = uuid::Uuid::now_v7().to_string();
    let submit = proposal::Command::Submit {
        proposal_id: idea.clone(),
        commune: COMMUNE.into(),
        author: accounts.resident.clone(),
        title: "Un composteur partagé au square du Temple".into(),
        body: "Beaucoup d'habitants n'ont pas de jardin : un composteur partagé réduirait nos déchets.".into(),
        threshold: DEFAULT_SUPPORT_THRESHOLD,
        at_us: now - 3 * DAY_US,
    };
    run::<proposal::ProposalDecider>(store, ("proposal", &idea), &accounts.resident, || submit.clone()).await?;
    let support = proposal::Command::Support {
        commune: COMMUNE.into(),
        proposal_id: idea.clone(),
        by: accounts.moderator.clone(),
        at_us: now - 2 * DAY_US,
    };
    run::<proposal::ProposalDecider>(store, ("proposal", &idea), &accounts.moderator, || support.clone()).await?;
    tracing::info!(commune = COMMUNE, "demo questions and proposal created");
    Ok(())
}

async fn run<D>(
    store: &EventStore,
    aggregate: (&'static str, &str),
    actor: &str,
    command: impl Fn() -> D::Command,
) -> anyhow::Result<()>
where
    D: Decider,
    D::Event: EventCodec,
    D::Error: std::fmt::Display,
{
    let target = Target {
        commune: COMMUNE.into(),
        aggregate_type: aggregate.0,
        aggregate_id: aggregate.1.to_owned(),
        request_id: None,
    };
    let metadata = Metadata { occurred_at_us: now_us(), actor: actor.to_owned(), ..Default::default() };
    execute::<D, _>(store, &target, metadata, &DialogueView, command)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the demo dialogue: {e}"))?;
    Ok(())
}
