## The notifications' e-mails, in French (the default language).
## Arguments every message may use: $title (the public title of the thing),
## $commune (the commune's name, or its INSEE code), $status (a report's status
## in words, or empty), $answer_due (a date in words, or empty). The public
## message, reason and summary are shown under their labels, never inside a
## sentence. Never a person's name or address.

email-greeting = Bonjour,
untitled = (sans titre)
email-link-line = { $label } : { $url }
email-action-report = Voir le signalement
email-action-question = Voir la question
email-action-proposal = Voir la proposition
email-action-publication = Voir la publication
email-action-site = Voir sur Miroir
label-message = Message de la commune :
label-reason = Motif :
label-summary = Ce qui a changé :
line-status = État du signalement : { $status }.
line-answer-due = La commune doit répondre avant le { $answer_due }.
email-why-follow = Vous recevez cet e-mail parce que vous suivez « { $title } » sur Miroir.
email-why-all = Vous recevez cet e-mail selon vos préférences de notification sur Miroir.
email-unsubscribe-follow = Ne plus suivre ce sujet
email-unsubscribe-all = Ne plus recevoir d'e-mails de Miroir
email-automatic = Ce message est envoyé automatiquement : merci de ne pas y répondre.

status-new = nouveau
status-acknowledged = pris en compte
status-in_progress = travaux en cours
status-resolved = résolu
status-rejected = non retenu
status-merged = regroupé avec un autre signalement

month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

report_submitted-subject = Nouveau signalement à { $commune } : { $title }
report_submitted-intro = Un nouveau signalement a été déposé à { $commune } : « { $title } ».

report_acknowledged-subject = Signalement pris en compte : { $title }
report_acknowledged-intro = Le signalement « { $title } » à { $commune } a été pris en compte par la commune.

report_work_started-subject = Travaux en cours : { $title }
report_work_started-intro = Les travaux ont commencé pour le signalement « { $title } » à { $commune }.

report_resolved-subject = Signalement résolu : { $title }
report_resolved-intro = Le signalement « { $title } » à { $commune } est résolu.

report_rejected-subject = Signalement non retenu : { $title }
report_rejected-intro = La commune de { $commune } n'a pas retenu le signalement « { $title } ».

report_merged-subject = Signalement regroupé : { $title }
report_merged-intro = Le signalement « { $title } » à { $commune } a été regroupé avec un autre signalement du même problème.
report_merged-note = Le suivi continue sur le signalement conservé : vous en recevrez les nouvelles.

report_reopened-subject = Signalement rouvert : { $title }
report_reopened-intro = Le signalement « { $title } » à { $commune } a été rouvert.

report_assigned-subject = Signalement confié à votre service : { $title }
report_assigned-intro = Le signalement « { $title } » à { $commune } a été confié à votre service.

question_asked-subject = Nouvelle question à { $commune } : { $title }
question_asked-intro = Une nouvelle question a été posée à la commune de { $commune } : « { $title } ».

question_answered-subject = Réponse à la question : { $title }
question_answered-intro = La commune de { $commune } a répondu à la question « { $title } ».

question_redirected-subject = Question transmise comme signalement : { $title }
question_redirected-intro = La question « { $title } » à { $commune } a été transmise aux services comme un signalement.
question_redirected-note = Vous suivez désormais ce signalement et recevrez ses nouvelles.

comment_posted-subject = Nouveau commentaire : { $title }
comment_posted-intro = Un nouveau commentaire a été publié sur « { $title } » à { $commune }.

proposal_submitted-subject = Nouvelle proposition à { $commune } : { $title }
proposal_submitted-intro = Une nouvelle proposition a été publiée à { $commune } : « { $title } ».

proposal_threshold_reached-subject = Proposition soutenue : { $title }
proposal_threshold_reached-intro = La proposition « { $title } » à { $commune } a réuni assez de soutiens : la commune doit y répondre publiquement.

proposal_answered-subject = Réponse de la commune à la proposition : { $title }
proposal_answered-intro = La commune de { $commune } a répondu à la proposition « { $title } ».

publication_published-subject = Nouvelle publication à { $commune } : { $title }
publication_published-intro = Une nouvelle publication est en ligne à { $commune } : « { $title } ».

publication_amended-subject = Publication modifiée : { $title }
publication_amended-intro = La publication « { $title } » à { $commune } a été modifiée.

publication_archived-subject = Publication archivée : { $title }
publication_archived-intro = La publication « { $title } » à { $commune } a été archivée.

content_hidden-subject = Votre contribution a été masquée : { $title }
content_hidden-intro = Votre contribution sur « { $title } » à { $commune } a été masquée par la modération.
content_hidden-note = Vous pouvez contester cette décision une fois, depuis la page de la contribution.

content_restored-subject = Votre contribution est de nouveau visible : { $title }
content_restored-intro = Votre contribution sur « { $title } » à { $commune } est de nouveau visible.

appeal_dismissed-subject = Votre contestation n'a pas été retenue : { $title }
appeal_dismissed-intro = Votre contribution sur « { $title } » à { $commune } reste masquée : la modération a examiné votre contestation et ne l'a pas retenue.

hiding_appealed-subject = Une contestation de masquage à examiner : { $title }
hiding_appealed-intro = L'auteur d'une contribution masquée sur « { $title } » à { $commune } conteste ce masquage. Elle attend votre décision dans la file de modération.

content_flagged-subject = Un signalement de contenu à examiner : { $title }
content_flagged-intro = Une contribution sur « { $title } » à { $commune } a été signalée à la modération. Elle vous attend dans la file de modération.

## Digests: $date and $last are the period's first and last day in words,
## $count how many events it had; each event's line is its own subject line.

digest_daily-subject = Votre résumé du { $date } : { $count ->
        [one] { $count } nouvelle
       *[other] { $count } nouvelles
    }
digest_daily-intro = Voici ce qui s'est passé le { $date } dans ce que vous suivez sur Miroir.
digest_daily-why = Vous recevez ce résumé quotidien selon vos préférences de notification sur Miroir.

digest_weekly-subject = Votre résumé de la semaine du { $date } : { $count ->
        [one] { $count } nouvelle
       *[other] { $count } nouvelles
    }
digest_weekly-intro = Voici ce qui s'est passé du { $date } au { $last } dans ce que vous suivez sur Miroir.
digest_weekly-why = Vous recevez ce résumé hebdomadaire selon vos préférences de notification sur Miroir.

digest-item-other = Du nouveau : { $title }
digest-item-dated = { $date } — { $line }
digest-more = … et { $more ->
        [one] une autre nouvelle
       *[other] { $more } autres nouvelles
    }, à retrouver sur Miroir.
digest-manage = Gérer vos notifications
