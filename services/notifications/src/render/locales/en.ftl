## The notifications' e-mails, in English.
## Arguments every message may use: $title (the public title of the thing),
## $commune (the commune's name, or its INSEE code), $status (a report's status
## in words, or empty), $answer_due (a date in words, or empty). The public
## message, reason and summary are shown under their labels, never inside a
## sentence. Never a person's name or address.

email-greeting = Hello,
untitled = (untitled)
email-link-line = { $label }: { $url }
email-action-report = View the report
email-action-question = View the question
email-action-proposal = View the proposal
email-action-publication = View the publication
email-action-site = View on Miroir
label-message = Message from the commune:
label-reason = Reason:
label-summary = What changed:
line-status = Status of the report: { $status }.
line-answer-due = The commune must answer by { $answer_due }.
email-why-follow = You are receiving this e-mail because you follow “{ $title }” on Miroir.
email-why-all = You are receiving this e-mail because of your notification preferences on Miroir.
email-unsubscribe-follow = Stop following this
email-unsubscribe-all = Stop receiving e-mails from Miroir
email-automatic = This message was sent automatically: please do not reply to it.

status-new = new
status-acknowledged = acknowledged
status-in_progress = work in progress
status-resolved = resolved
status-rejected = not accepted
status-merged = merged with another report

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

report_submitted-subject = New report in { $commune }: { $title }
report_submitted-intro = A new report was submitted in { $commune }: “{ $title }”.

report_acknowledged-subject = Report acknowledged: { $title }
report_acknowledged-intro = The report “{ $title }” in { $commune } was acknowledged by the commune.

report_work_started-subject = Work in progress: { $title }
report_work_started-intro = Work has started on the report “{ $title }” in { $commune }.

report_resolved-subject = Report resolved: { $title }
report_resolved-intro = The report “{ $title }” in { $commune } is resolved.

report_rejected-subject = Report not accepted: { $title }
report_rejected-intro = The commune of { $commune } did not accept the report “{ $title }”.

report_merged-subject = Report merged: { $title }
report_merged-intro = The report “{ $title }” in { $commune } was merged with another report of the same problem.
report_merged-note = It is followed up on the report that was kept: you will hear about it.

report_reopened-subject = Report reopened: { $title }
report_reopened-intro = The report “{ $title }” in { $commune } was reopened.

report_assigned-subject = Report assigned to your department: { $title }
report_assigned-intro = The report “{ $title }” in { $commune } was assigned to your department.

question_asked-subject = New question in { $commune }: { $title }
question_asked-intro = A new question was asked to the commune of { $commune }: “{ $title }”.

question_answered-subject = Answer to the question: { $title }
question_answered-intro = The commune of { $commune } answered the question “{ $title }”.

question_redirected-subject = Question passed on as a report: { $title }
question_redirected-intro = The question “{ $title }” in { $commune } was passed on to the departments as a report.
question_redirected-note = You now follow that report and will hear about it.

comment_posted-subject = New comment: { $title }
comment_posted-intro = A new comment was posted on “{ $title }” in { $commune }.

proposal_submitted-subject = New proposal in { $commune }: { $title }
proposal_submitted-intro = A new proposal was published in { $commune }: “{ $title }”.

proposal_threshold_reached-subject = Proposal supported: { $title }
proposal_threshold_reached-intro = The proposal “{ $title }” in { $commune } has enough support: the commune must answer it publicly.

proposal_answered-subject = The commune answered the proposal: { $title }
proposal_answered-intro = The commune of { $commune } answered the proposal “{ $title }”.

publication_published-subject = New publication in { $commune }: { $title }
publication_published-intro = A new publication is online in { $commune }: “{ $title }”.

publication_amended-subject = Publication amended: { $title }
publication_amended-intro = The publication “{ $title }” in { $commune } was amended.

publication_archived-subject = Publication archived: { $title }
publication_archived-intro = The publication “{ $title }” in { $commune } was archived.

content_hidden-subject = Your contribution was hidden: { $title }
content_hidden-intro = Your contribution on “{ $title }” in { $commune } was hidden by moderation.
content_hidden-note = You may appeal this decision once, from the contribution's page.

content_restored-subject = Your contribution is visible again: { $title }
content_restored-intro = Your contribution on “{ $title }” in { $commune } is visible again.

appeal_dismissed-subject = Your appeal was not upheld: { $title }
appeal_dismissed-intro = Your contribution on “{ $title }” in { $commune } stays hidden: moderation examined your appeal and did not uphold it.

hiding_appealed-subject = An appeal against hiding to examine: { $title }
hiding_appealed-intro = A contribution hidden on “{ $title }” in { $commune } is appealed against by the person who wrote it. It awaits your decision in the moderation queue.

content_flagged-subject = Flagged content to examine: { $title }
content_flagged-intro = A contribution on “{ $title }” in { $commune } was flagged to moderation. It awaits you in the moderation queue.

## Digests: $date and $last are the period's first and last day in words,
## $count how many events it had; each event's line is its own subject line.

digest_daily-subject = Your digest for { $date }: { $count ->
        [one] { $count } update
       *[other] { $count } updates
    }
digest_daily-intro = Here is what happened on { $date } in what you follow on Miroir.
digest_daily-why = You are receiving this daily digest because of your notification preferences on Miroir.

digest_weekly-subject = Your digest for the week of { $date }: { $count ->
        [one] { $count } update
       *[other] { $count } updates
    }
digest_weekly-intro = Here is what happened from { $date } to { $last } in what you follow on Miroir.
digest_weekly-why = You are receiving this weekly digest because of your notification preferences on Miroir.

digest-item-other = News: { $title }
digest-item-dated = { $date } — { $line }
digest-more = … and { $more ->
        [one] one more update
       *[other] { $more } more updates
    } on Miroir.
digest-manage = Manage your notifications
