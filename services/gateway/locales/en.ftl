# Miroir — the site's texts in English. Plain language, short sentences.
site-name = Miroir
site-tagline = The commune and its residents answer each other, in public.
skip-to-content = Skip to content
nav-main = Main navigation
nav-communes = Communes
nav-account = My account
nav-signin = Sign in
nav-signup = Create an account
nav-signout = Sign out
nav-admin = Administration
lang-switch = Français
lang-switch-label = Lire cette page en français
footer-text = Miroir is free software serving communes and their residents.
footer-licence = Public data under the Licence Ouverte 2.0.
signed-in-as = Signed in: { $value }

landing-title = Communes on Miroir
landing-intro = Choose your commune to follow its projects, report a problem or ask a question.
search-label = Search for a commune (name or INSEE code)
search-button = Search
search-results = Results for “{ $value }”
no-commune = No commune matches.
commune-department = Department { $value }
more-communes = Next communes

commune-title = { $value }
official-space = Official space
official-space-intro = What the town hall publishes: projects, decisions, official answers.
citizen-space = Citizen space
citizen-space-intro = What residents do: reports, proposals, questions.
collective = Recognised collective: { $value }
commitment = The town hall commits to answer within { $value } days.
latest-reports = Latest reports
see-all-reports = See all reports
official-answers = Official answers
no-official-answer = No official answer yet.
official-publications = Publications
no-publication = No publication yet.
see-citizen-space = See the citizen space, which it answers
see-official-space = See the official space, which answers it
transparency = Transparency
transparency-title = Transparency: { $value }
transparency-intro = These figures are computed from what was published. Nobody can touch them up.

reports-title = Reports
reports-intro = A problem in the street, damaged equipment? Report it: the town hall answers in public.
new-report = Report a problem
no-report = No report yet.
reports-count = { $count ->
    [one] { $count } report
   *[other] { $count } reports
}
next-page = Next page
status-new = New
status-acknowledged = Taken into account
reported-on = Reported on { $value }
status-is = Status: { $value }
status-in-progress = In progress
status-resolved = Resolved
status-rejected = Rejected
status-label = Status

report-form-title = Report a problem
report-form-intro = The title and the place are required. Your name is not shown.
field-category = Category
field-title = Title
field-title-hint = 3 to 120 characters, for example “Pothole in front of the school”.
field-description = Description
field-latitude = Latitude
field-longitude = Longitude
field-location-hint = Position in decimal degrees, for example 48.8566 and 2.3522 for Paris.
field-address = Address (optional)
location-legend = Where is the problem?
submit-report = Send the report
category-voirie = Roads
category-eclairage = Street lighting
category-proprete = Cleanliness
category-securite = Safety
category-espaces-verts = Green spaces
category-autre = Other

report-timeline = Public history
timeline-submitted = Report received
timeline-acknowledged = Official answer of the town hall
timeline-in-progress = The town hall started the work
timeline-resolved = The town hall says it is fixed
timeline-rejected = The town hall will not act, and says why
timeline-reopened = Reopened by the person who reported it
step-title = Next step (town hall)
field-next-status = New status
field-step-message = Public message (required for a rejection: the reason)
step-button = Save the step
reopen-title = Is the problem back?
field-reopen-message = Say what you see
reopen-button = Reopen the report
acknowledge-title = Answer on behalf of the town hall
field-message = Public message
acknowledge-button = Take into account
location = Place
back-to-reports = Back to the reports

signup-title = Create an account
signup-intro = An account lets you follow your reports and take part. You may use a pseudonym.
field-email = E-mail address
field-password = Password
field-password-hint = At least 10 characters. A short sentence is easy to remember.
field-display-name = Display name (a pseudonym is fine)
field-commune = Your commune (INSEE code, optional)
signup-button = Create my account
have-account = Already have an account? Sign in
signin-title = Sign in
signin-button = Sign in
no-account = No account yet? Create one
forgot-password = Forgot your password?
signup-done = Your account is created. A verification link is sent to you by e-mail.

account-title = My account
account-email = E-mail address: { $value }
account-verified = Address verified
account-not-verified = Address not verified yet
account-roles = My roles
role-in = { $value }
profile-title = My profile
profile-button = Save
profile-saved = Your profile is saved.
export-title = My data
export-intro = Download everything Miroir knows about your account, in a readable file (JSON).
export-button = Download my data
delete-title = Delete my account
delete-intro = Your personal data will be erased. What you published stays visible, signed “deleted account”. This cannot be undone.
delete-password = Your password, to confirm
delete-button = Delete my account for good
deleted-done = Your account is deleted and your personal data erased.
verify-done = Thank you, your e-mail address is verified.

reset-title = Forgot your password
reset-intro = Enter your e-mail address: if an account exists, a link to choose a new password is sent to you.
reset-request-button = Send me a link
reset-sent = If an account exists for this address, a link has been sent to it.
reset-new-password = New password
reset-button = Change my password
reset-done = Your password is changed. You can sign in.

admin-title = Administration: { $value }
roles-title = Roles
grant-title = Give a role
field-role = Role
field-department = Department (for an agent, optional)
field-reason = Reason (public to administrators)
grant-button = Give the role
granted-done = The role is given.
role-history = History of roles
history-granted = given
history-revoked = removed
history-by = by { $value }
no-history = No role change.
clients-title = Integration clients (the city's IT)
client-create-title = Create a client
field-client-name = Client name
field-scopes = Permissions
client-button = Create the client
client-secret-once = Copy this secret now: it will never be shown again.
client-revoke = Revoke
client-revoked = revoked
no-client = No integration client.
role-resident = Resident
role-collective_member = Collective member
role-collective_moderator = Collective moderator
role-agent = Town hall agent
role-elected_official = Elected official
role-commune_admin = Commune administrator
role-operator = National operator

error-title = Something went wrong
error-not-found = This page does not exist.
error-forbidden = You do not have access to this page.
error-signin-needed = Sign in to continue.
error-unavailable = The service is unavailable for a moment. Try again shortly.
error-internal = Something went wrong on our side. Try again later.
error-csrf = The form has expired. Reload the page and try again.
error-too-many = Too many submissions in a short time. Wait a minute.
form-errors-title = The form has errors:
back-home = Back to the home page

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

invalid-title = The title must be 3 to 120 characters long.
invalid-description = The description is too long (5,000 characters at most).
invalid-category = Choose a category from the list.
invalid-location = The place must be in France: check the latitude and longitude.
invalid-latitude = The latitude must be a number, for example 48.8566.
invalid-longitude = The longitude must be a number, for example 2.3522.
invalid-address = The address is too long (200 characters at most).
invalid-email = Enter an e-mail address like name@example.com.
invalid-password = The password must be at least 10 characters long and not too common.
invalid-new_password = The password must be at least 10 characters long and not too common.
invalid-display_name = The display name must be 2 to 60 characters long.
invalid-commune = This INSEE code matches no commune on Miroir.
invalid-message = The message is too long (2,000 characters at most).
invalid-reason = The reason is too long (500 characters at most).
invalid-department = A department is only given to an agent.
invalid-scopes = Tick at least one permission.
wrong-credentials = Wrong e-mail address or password.
signin-too-many = Too many sign-in attempts. Try again in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}.
email-taken = An account already uses this e-mail address. Sign in, or choose “Forgot your password”.
link-invalid = This link is no longer valid: it was already used or it has expired.
account-not-found = No account uses this e-mail address.
invalid-step_message = A rejection must say why, in public (2,000 characters at most).
invalid-reopen_message = The message is too long (2,000 characters at most).

# Reports: list, map, filters
nav-queue = Reports to handle
status-merged = Merged with another
timeline-assigned = The town hall passed the report to a department
timeline-merged = Merged with a report of the same problem
photo-alt = Photo { $value } of the report
supports-count = { $count ->
    [0] Nobody supports this report yet
    [one] { $count } person supports this report
   *[other] { $count } people support this report
}
filters-title = Filter the reports
field-filter-status = Status
filter-status-all = Any status
filter-status-open = Waiting or in progress
filter-category-all = Every category
field-filter-department = Town hall department
field-filter-text = Words to look for (title, description, address)
field-filter-from = Reported from
field-filter-to = Reported until
field-sort = Order
sort-newest = Newest first
sort-most-supported = Most supported first
filter-button = Filter
filter-reset = Clear the filters
filter-area-on = Only the reports of the area chosen on the map are shown.
filter-area-off = Show those of the whole commune
invalid-filter-status = Choose a status from the list.
invalid-filter-date = Give a date as day, month, year (for example 21/11/2026).
invalid-filter-area = The area chosen on the map is not valid: it is left out.
invalid-filter-sort = Choose an order from the list.
list-title = List of the reports
pager-label = Pages of the list
first-page = First page
map-title = Map of the reports
map-list-hint = Each marker is a report of this page of the list. Move the map, then choose "Search this area".
map-search-area = Search this area
map-zoom-in = Zoom in
map-zoom-out = Zoom out
map-pick-hint = You can also click on the map where the problem is: the latitude and longitude are filled in.
map-pick-label = Map to choose where the problem is
map-chosen-place = Chosen place
map-report-label = Map of where the report is

# Reports: the form
report-form-anonymous = Without an account, give your e-mail address: we send you a link to confirm the report. Have an account?
field-category-choose = Choose a category
field-choose = Choose
required-mark = (required)
questions-legend = Questions for the category "{ $value }"
questions-hint = Only answer the questions of the category you chose.
field-photos = Photos (optional)
field-photos-hint = Up to 5 photos, JPEG, PNG or WebP, 5 MB each at most. Hidden information in the photos (place, camera) is removed.
photos-dropped = The photos you chose were not kept: choose them again before sending.
field-reporter-email = Your e-mail address
field-reporter-email-hint = To confirm the report. It is never shown in public; only the town hall sees it.
submit-report-anyway = Send my report anyway
duplicates-title = Is it one of these reports?
duplicates-intro = Reports of the same category are already open less than 50 metres away. If it is the same problem, support it instead: the town hall sees how many people it concerns.
duplicates-otherwise = None of them? Check the form below and send your report.
support-instead = Support this report
support-signin = Sign in to support this report
distance-metres = { $value } m away
check-email-title = Check your e-mail
check-email-text = Your report is saved. We sent you a link by e-mail: follow it to confirm your address. The report becomes public then.
report-verified-title = Report confirmed
report-verified-text = Thank you, your address is confirmed: your report is now public.
see-your-report = See your report
invalid-photos = Photos must be JPEG, PNG or WebP images.
invalid-photos-count = You can attach 5 photos at most.
invalid-photos-size = Each photo must be 5 MB at most.
invalid-attribute-required = Answer the question "{ $value }".
invalid-attribute-number = The answer to "{ $value }" must be a number.
invalid-email-needed = Give your e-mail address, or sign in.
invalid-reporter_email = Give an e-mail address such as name@example.org.
error-too-large = What you sent is too large (photos too heavy?).
error-bad-form = The form sent cannot be read. Reload the page and try again.

# Reports: a report's page
report-department = Department: { $value }
report-not-verified = This report waits for its reporter to confirm their e-mail address: it is not public yet.
report-merged-into = This report describes the same problem as another one: it was merged into it.
report-merged-into-link = See the report that is followed
report-photos = Photos
supports-title = Supports
support-button = Me too, this concerns me
you-support = You support this report.
you-reported = You made this report.
staff-title = For the town hall
staff-intro = Only the commune's agents and administrators see this part.
reporter-email = The reporter's e-mail address (never public): { $value }
assign-title = Department and agent
assigned-nobody = Not passed to any department yet.
assigned-to = followed by { $value }
field-assign-department = Department
field-assign-agent = Agent (optional)
field-assign-agent-hint = The agent's account id, or their e-mail address (administrators only). Empty: the whole department.
assign-button = Assign
assign-to-me = Assign to me
assign-lookup-admin-only = Only administrators can look an account up by e-mail address: give the account id.
invalid-agent = This agent is not known: give their account id.
invalid-assign-department = The department's name is too long.
notes-title = Internal notes
notes-none = No internal note.
notes-unavailable = The internal notes cannot be read right now.
field-note = New note (only the town hall sees it)
note-button = Add the note
invalid-note = Write the note (2,000 characters at most).
merge-title = Merge a duplicate
merge-intro = If this report describes the same problem as another one, merge it into the one you keep: it is closed and its supporters move to the other one.
field-merge-into = Report kept
field-merge-into-hint = Its id, or the address of its page.
field-merge-message = Public message (optional)
merge-button = Merge into this report
invalid-into = Give another report of the commune: its id or the address of its page.
invalid-merge_message = The message is too long (2,000 characters at most).
you = you
account-ref = account { $value }

# Reports to handle (agents)
queue-title = Reports to handle: { $value }
queue-intro = Tick reports to acknowledge them together, with one public message.
filter-mine = Only those assigned to me
queue-list-title = Reports
queue-empty = No report matches.
queue-caption = Reports matching the filters
queue-select = Select
queue-select-one = Select "{ $value }"
queue-submitted = Received on
queue-assignment = Department and agent
queue-not-verified = address not confirmed
field-bulk-message = Public message for the ticked reports
field-bulk-message-hint = It shows in the public timeline of each.
bulk-acknowledge-button = Acknowledge the ticked reports
bulk-none-selected = Tick at least one report.
bulk-too-many = Tick 100 reports at most at a time.
bulk-result-title = Acknowledging the ticked reports
bulk-done-count = { $count ->
    [0] No report was acknowledged.
    [one] { $count } report acknowledged:
   *[other] { $count } reports acknowledged:
}
bulk-failed-count = { $count ->
    [one] { $count } report could not be acknowledged:
   *[other] { $count } reports could not be acknowledged:
}
bulk-failed-state = it was already acknowledged, or it is closed.
back-to-queue = Back to the reports to handle

# Categories (administrators)
admin-reports-title = Reports
admin-categories-link = Report categories
categories-title = Report categories: { $value }
categories-intro = Residents choose a category when they report a problem. Each category can go to a department and ask extra questions.
categories-list-title = The categories
categories-none = No category.
categories-questions = Questions
categories-actions = Actions
category-active = in use
category-retired = retired
category-edit = Edit
category-form-new = New category
category-form-edit = Edit the category
category-form-new-link = Create a new category instead
field-category-code = Code
field-category-code-hint = 1 to 64 characters: lower-case letters without accents, digits, - and _. An existing code replaces that category.
field-category-name = Name
field-category-description = Description
field-category-department = Town hall department
field-category-department-hint = New reports of this category go to it. Empty: none.
field-category-keywords = Keywords
field-category-keywords-hint = Separated by commas, for searching.
field-category-active = In use (untick to retire the category: its reports keep it)
questions-title = Extra questions
questions-intro = Each block is a question asked to residents who choose this category. To remove a question, empty its code and text. Two empty blocks let you add some; save to get more.
question-legend = Question { $value }
field-question-code = Code of the question
field-question-text = Question asked
field-question-type = Kind of answer
field-question-required = Answer required
field-question-values = Possible choices (for a list)
field-question-values-hint = One choice per line, as "code = label", for example "large = Larger than a plate". The code (lower case without accents, digits, - and _) may be left out: it is then made from the label.
datatype-string = Short text
datatype-text = Long text
datatype-number = Number
datatype-datetime = Date
datatype-single = One choice from a list
datatype-multi = Several choices from a list
category-save = Save the category
category-saved = The category is saved.
invalid-category-code = The code must be 1 to 64 characters: lower-case letters without accents, digits, - and _.
invalid-category-name = The name is required (80 characters at most).
invalid-question-code = Question { $value }: the code must be 1 to 64 characters (lower case without accents, digits, - and _).
invalid-question-code-taken = Question { $value }: another question already has this code.
invalid-question-text = Question { $value }: write the question (300 characters at most).
invalid-question-type = Question { $value }: choose a kind of answer from the list.
invalid-question-values = Question { $value }: one choice per line, "code = label"; the code in lower case without accents, digits, - and _, no code twice; the label of 100 characters at most.
invalid-question-no-values = Question { $value }: a list needs at least one choice.
invalid-question-values-not-list = Question { $value }: choices are only for lists; empty them or choose a "list" kind.
invalid-category-keywords = 20 keywords at most, of 40 characters at most each, separated by commas.
invalid-category-description = The description is too long (500 characters at most).
invalid-category-department = The department's name is too long (80 characters at most).
invalid-attribute = Check the answer to "{ $value }".

## publications and spaces
pub-kind-project = Project
pub-kind-decision = Council decision
pub-kind-minutes = Minutes
pub-kind-budget = Budget
pub-kind-news = News
pub-kind-post = Collective's post
pub-kind-activity = Activity proposal
pub-kind-follow-up = Follow-up note
pub-list-project = The commune's projects
pub-list-decision = Council decisions
pub-list-minutes = Minutes of council sessions
pub-list-budget = Budgets
pub-list-news = Town hall news
pub-list-post = The collective's posts
pub-list-activity = Activity proposals
pub-list-follow-up = Follow-up notes
pub-list-project-intro = The commune's projects: how far along they are, what they cost, who is in charge, their milestones.
pub-list-decision-intro = Decisions of the municipal council, with the session date, their number and the votes.
pub-list-minutes-intro = Minutes of the municipal council's sessions.
pub-list-budget-intro = The commune's budgets, year by year, with their main lines.
pub-list-news-intro = News published by the town hall.
pub-list-post-intro = What the residents' collective publishes: news, positions, reports of its meetings.
pub-list-activity-intro = Activities the collective proposes to residents.
pub-list-follow-up-intro = The collective's notes on how the commune's projects are going.
pub-list-heading = Publications
pub-new-project = New project
pub-new-decision = New council decision
pub-new-minutes = New minutes
pub-new-budget = New budget
pub-new-news = New news item
pub-new-post = New post
pub-new-activity = New activity proposal
pub-new-follow-up = New follow-up note
pub-new-title = Write a publication
pub-choose-kind = What do you want to publish?
pub-see-all-project = See all projects
pub-see-all-decision = See all council decisions
pub-see-all-minutes = See all minutes
pub-see-all-budget = See all budgets
pub-see-all-news = See all news
pub-see-all-post = See all posts
pub-see-all-activity = See all activity proposals
pub-see-all-follow-up = See the tracking of all projects
pub-see-list = The whole list
pub-see-official-projects = The projects in the official space
pub-space-nav = In this space
pub-status-draft = Draft
pub-status-scheduled = Scheduled
pub-status-published = Published
pub-status-archived = Archived
pub-project-planned = Planned
pub-project-in-progress = In progress
pub-project-done = Done
pub-project-abandoned = Abandoned
pub-project-unknown = Unknown status
pub-progress = Progress: { $value }%
pub-department-is = Department: { $value }
pub-budget-planned-is = Planned budget: { $value }
pub-budget-spent-is = Spent: { $value }
pub-budget-year-is = Budget { $value }
pub-budget-total-is = Total: { $value }
pub-budget-total = Total
pub-budget-no-line = This budget has no line yet.
pub-budget-lines-title = Budget lines
pub-decision-number-is = No. { $value }
pub-session-on = session of { $value }
pub-decision-adopted = Adopted
pub-decision-not-adopted = Not adopted
pub-votes-for = { $value } for
pub-votes-against = { $value } against
pub-votes-abstentions = { $value } abstentions
pub-votes-short = for / against / abstentions: { $value }
pub-votes-title = Votes
pub-milestone-done = milestone reached
pub-milestone-todo = to come
pub-revisions-count = { $count ->
    [one] { $count } amendment
   *[other] { $count } amendments
}
pub-published-on = Published on { $value }
pub-first-published = First published on { $value }.
pub-updated-on = changed on { $value }
pub-scheduled-for = to appear on { $value }
pub-archived-banner = Archived publication.
pub-archived-on = Archived on { $value }.
pub-archived-reason = Reason: { $value }
pub-draft-banner = Only the writers of this space see this draft.
pub-scheduled-banner = To appear on { $value }; until then, only the writers of this space see it.
pub-edit-link = Edit, publish or archive
pub-project-details = The project at a glance
pub-decision-details = The decision
pub-text-title = Text
pub-no-text = No text.
pub-follows = This note follows the commune's project:
pub-follows-gone = The project this note follows is no longer visible.
pub-notes-title = Residents' follow-up of this project
pub-notes-intro = The residents' collective's notes on this project, in the citizen space.
pub-notes-count = { $count ->
    [0] No note from the collective yet
    [one] { $count } note from the collective
   *[other] { $count } notes from the collective
}
pub-no-note = The collective has not written about this project yet.
pub-write-note = Write a follow-up note on this project
pub-write-note-on = Write a follow-up note on “{ $value }”
pub-project-decisions = Council decisions on this project
pub-no-project-decision = No published council decision is about this project.
pub-related-title = Related publications
pub-revisions-title = History of changes
pub-no-revision = No change since it was first published.
pub-revision-n = Amendment { $value }
pub-revision-summary = What changed:
pub-title-changed = Title changed:
pub-before = Before
pub-after = After
pub-changes-title = Details changed
pub-change-what = What
pub-diff-title = Text changed
pub-diff-legend = Added lines start with “+”, removed lines with “−” and are struck through; the others are unchanged.
pub-diff-added = Added line:
pub-diff-removed = Removed line:
pub-diff-kept = Unchanged line:
pub-diff-blank-line = (empty line)
pub-diff-skipped = { $count ->
    [one] { $count } unchanged line
   *[other] { $count } unchanged lines
}
pub-unavailable = This part is unavailable for a moment. Please try again shortly.
pub-partly-unavailable = Part of the activity is unavailable for a moment.
pub-priorities-title = The commune's priorities
pub-priorities-intro = Projects in progress, newest first.
pub-no-priority = No project in progress for now.
pub-latest-activity = Latest activity
pub-no-activity = Nothing new for now.
pub-activity-report = Report
pub-activity-report-answer = Answer to a report
pub-activity-question = Question
pub-activity-question-answer = Answer to a question
pub-activity-proposal = Proposal
pub-go-official = Enter the official space
pub-go-citizen = Enter the citizen space
pub-questions-title = Questions to the town hall
pub-questions-intro = Residents' public questions, and the town hall's official answers.
pub-questions-link = See the questions to the town hall
pub-no-question = No question yet.
pub-question-open = Awaiting an answer
pub-question-answered = Answered
pub-question-redirected = Turned into a report
pub-proposals-title = Residents' proposals
pub-proposals-intro = Residents' proposals; past a number of supports, the town hall must answer.
pub-proposals-link = See the residents' proposals
pub-no-proposal = No proposal yet.
pub-proposal-open = Open for support
pub-proposal-awaiting = Awaiting the town hall's answer
pub-proposal-answered = Answered
pub-supports = { $count ->
    [0] no support
    [one] { $count } support
   *[other] { $count } supports
}
pub-answered-questions = Answers to residents' questions
pub-no-answered-question = No question answered yet.
pub-answered-on = Answered on
pub-answered-reports = Reports acknowledged
pub-tracking-title = Tracking the commune's projects
pub-tracking-intro = Each of the commune's projects, with the residents' collective's follow-up notes about it.
pub-no-project = The commune has not published a project yet.
pub-desk-title = Writing desk — { $value }
pub-desk-intro = Your drafts, the scheduled publications and the latest ones. Every writer of this space may edit them.
pub-drafts-title = Drafts
pub-no-draft = No draft.
pub-scheduled-title = Scheduled
pub-no-scheduled = No scheduled publication.
pub-recent-title = Latest publications
pub-yours = written by you
pub-amend-link = Amend or archive “{ $value }”
pub-edit-title = Edit: { $value }
pub-saved = The draft is saved.
pub-preview = Preview the draft
pub-see-page = See the public page
pub-archived-no-change = This publication is archived: it stays readable but can no longer be changed.
pub-content-title = Content
pub-amend-title = Amend the publication
pub-amend-intro = The amendment is published at once, with its summary, in the page's public history.
pub-save-draft = Save the draft
pub-save = Save
pub-amend-button = Publish the amendment
pub-publish-title = Publish
pub-publish-intro = Once published, the page is public; every later change will show in its history.
pub-publish-when = When?
pub-publish-now = Now
pub-publish-later = At the date and time below
pub-publish-button = Publish
pub-archive-title = Archive
pub-archive-intro = An archived publication stays readable, with the reason it was archived, but can no longer be changed.
pub-archive-button = Archive the publication
pub-field-title = Title
pub-field-title-hint = 3 to 200 characters.
pub-field-body = Text
pub-field-body-hint = Leave an empty line between two paragraphs.
pub-field-summary = Summary of the change
pub-field-summary-hint = Required: it is public, in the page's history (at least 3 characters).
pub-field-status = Project status
pub-field-abandoned-reason = Why it was abandoned
pub-field-abandoned-reason-hint = Only for an abandoned project; then required and public.
pub-field-progress = Progress (%)
pub-field-progress-hint = A whole number from 0 to 100.
pub-field-budget-planned = Planned budget
pub-field-budget-spent = Amount spent
pub-field-money-hint = In euros, for example 12,500 or 1,234.50.
pub-field-funding = Funding
pub-field-funding-hint = One funder per line.
pub-field-department = Department in charge
pub-field-location = Where (optional)
pub-field-address = Address
pub-field-milestones = Milestones
pub-milestones-hint = Each block is a milestone. To remove one, empty its fields; save to get more empty blocks.
pub-milestone-n = Milestone { $value }
pub-field-milestone-title = Milestone
pub-field-milestone-date = Date
pub-field-milestone-done = Reached
pub-field-session-date = Session date
pub-field-number = Number
pub-field-number-hint = The decision's number in the register, for example 2026-041.
pub-field-votes = Votes
pub-field-votes-for = Votes for
pub-field-votes-against = Votes against
pub-field-abstentions = Abstentions
pub-field-outcome = Outcome
pub-no-related-choice = No published project or budget to link.
pub-field-year = Year
pub-lines-hint = Each block is a budget line. To remove one, empty its fields; save to get more empty blocks.
pub-line-n = Line { $value }
pub-field-line-label = Label
pub-field-line-amount = Amount (euros)
pub-field-budget-lines = Budget lines
pub-field-project = Project followed
pub-field-project-hint = The commune's project this note is about; its page will link to it.
pub-choose-project = Choose a project
pub-field-publish-at = Publication date and time
pub-field-publish-at-hint = French legal time. Only for “At the date and time below”.
pub-field-reason = Why it is archived
pub-field-reason-hint = Public, shown on the page (at least 3 characters).
pub-error-state = This publication changed in the meantime (published, archived…). Reload the page to see its state.
pub-invalid-title = The title must be 3 to 200 characters, on one line.
pub-invalid-body = The text is too long (100,000 characters at most).
pub-invalid-summary = Summarise the change (3 to 2,000 characters).
pub-invalid-reason = Give the reason for archiving (3 to 2,000 characters).
pub-invalid-publish-at = The publication time must not be in the past.
pub-invalid-publish-at-format = Give a date and time that exist, for example 2026-07-14 09:30.
pub-invalid-kind = This kind of publication does not exist in this space.
pub-invalid-status = Choose the project's status from the list.
pub-invalid-progress = Progress is a whole number from 0 to 100.
pub-invalid-money = Write an amount in euros, for example 12,500 or 1,234.50.
pub-invalid-budget-planned = The planned budget cannot be negative.
pub-invalid-budget-spent = The amount spent cannot be negative.
pub-invalid-department = The department's name is too long (200 characters at most, on one line).
pub-invalid-latitude = The latitude is a number between -90 and 90.
pub-invalid-longitude = The longitude is a number between -180 and 180.
pub-invalid-address = The address is too long (200 characters at most, on one line).
pub-invalid-abandoned-reason = Give the reason it was abandoned (200 characters at most).
pub-invalid-funding-sources = One funder per line, 200 characters at most.
pub-invalid-milestones = Too many milestones (200 at most).
pub-invalid-milestone-title = Milestone { $value }: give it a label (200 characters at most).
pub-invalid-milestone-date = Milestone { $value }: give a date that exists.
pub-invalid-session-date = Give the session date.
pub-invalid-number = Give the decision's number (200 characters at most).
pub-invalid-votes-for = Votes for is a whole number.
pub-invalid-votes-against = Votes against is a whole number.
pub-invalid-abstentions = Abstentions is a whole number.
pub-invalid-related = A related publication does not exist or is not published.
pub-invalid-year = Give a year between 1900 and 2200.
pub-invalid-lines = Too many lines (200 at most).
pub-invalid-line-label = Line { $value }: give it a label (200 characters at most).
pub-invalid-line-amount = Line { $value }: write an amount in euros, for example 12,500 or 1,234.50.
pub-invalid-project = Choose a project published by the commune.
## dialogue
# Questions, proposals, comments and moderation (issue 6). Keys start with dlg-.
dlg-questions-title = Questions to the commune
dlg-questions-intro = Ask the town hall a public question: it answers officially, here, within the time it committed to.
dlg-questions-filter = Filter the questions
dlg-filter-all = All
dlg-filter-overdue = Overdue only
dlg-filter-awaiting = Awaiting an owed answer
dlg-no-question = No question yet.
dlg-no-overdue-question = No overdue question: the town hall keeps its commitment.
dlg-question-open = Awaiting an answer
dlg-question-answered = Answered
dlg-question-redirected = Sent to a report
dlg-question-hidden = Question hidden by moderation
dlg-overdue = Overdue
dlg-asked-on = Asked on
dlg-you-asked = You asked this question on
dlg-answer-due = answer expected by
dlg-commitment = { $count ->
    [one] the commune's commitment: an answer within { $count } day
   *[other] the commune's commitment: an answer within { $count } days
}
dlg-answer-delay = { $count ->
    [0] Answered the same day
    [one] Answered in { $count } day
   *[other] Answered in { $count } days
}
dlg-on-time = on time
dlg-late = later than committed
dlg-official-answer = Official answer
dlg-redirected-title = Sent to a report
dlg-redirected-link = Follow the report
dlg-ask-link = Ask a question
dlg-ask-title = Ask a question
dlg-ask-intro = Your question and the town hall's answer will be public.
dlg-ask-button = Publish the question
dlg-ask-signin = Sign in to ask a question.
dlg-field-question-title = Your question, in one sentence
dlg-field-question-title-hint = For example: "Will the swimming pool open on Sundays this summer?"
dlg-field-question-body = Details
dlg-question-already = This question is already published.
dlg-question-answered-already = This question has already been answered.
dlg-question-not-open = This question no longer awaits an answer: it was answered or sent to a report.
dlg-answer-title = Answer on behalf of the commune
dlg-answer-proposal-title = Answer the proposal on behalf of the commune
dlg-answer-intro = The answer is published as the commune's official answer.
dlg-answer-button = Publish the official answer
dlg-field-answer = Answer
dlg-redirect-title = Send to a report
dlg-redirect-intro = If the question describes a problem in a public place, follow it as a report: the question says so publicly.
dlg-redirect-button = Send
dlg-field-report = Report
dlg-field-report-hint = The report's id, or the address of its page.
dlg-field-redirect-message = Public message
dlg-back-to-questions = Back to the questions
dlg-proposals-title = Citizen proposals
dlg-proposals-intro = Propose an idea for the commune and support other residents' ideas.
dlg-threshold-intro = { $count ->
    [one] The town hall undertakes to answer any new proposal from { $count } support.
   *[other] The town hall undertakes to answer any new proposal that gathers { $count } supports.
}
dlg-proposals-filter = Filter the proposals
dlg-no-proposal = No proposal yet.
dlg-no-awaiting-proposal = No proposal is awaiting the town hall's answer.
dlg-proposal-open = Open for support
dlg-proposal-awaiting = Threshold reached: the town hall owes an answer
dlg-proposal-answered = Answered
dlg-proposal-hidden = Proposal hidden by moderation
dlg-supports = { $count ->
    [0] No support
    [one] { $count } support
   *[other] { $count } supports
}
dlg-threshold = { $count ->
    [one] of the { $count } needed to oblige the town hall to answer.
   *[other] of the { $count } needed to oblige the town hall to answer.
}
dlg-proposal-answer-due = The town hall's answer is due by
dlg-proposal-threshold-reached = The threshold was reached: the town hall had to answer.
dlg-submitted-on = Proposed on
dlg-you-proposed = You made this proposal on
dlg-supports-title = Supports
dlg-support-button = I support this proposal
dlg-support-signin = Sign in to support this proposal.
dlg-you-support = You support this proposal.
dlg-your-proposal = This is your proposal: other residents can support it.
dlg-support-already = You already support this proposal: one support per account.
dlg-support-not-possible = This proposal cannot take your support: it is yours, or the town hall has already answered it.
dlg-propose-link = Make a proposal
dlg-propose-title = Make a proposal
dlg-propose-button = Publish the proposal
dlg-propose-signin = Sign in to make a proposal.
dlg-field-proposal-title = Your proposal, in one sentence
dlg-field-proposal-body = Description
dlg-field-proposal-body-hint = What you propose, where, and why.
dlg-proposal-already = This proposal is already published.
dlg-proposal-answered-already = The town hall has already answered this proposal.
dlg-back-to-proposals = Back to the proposals
dlg-comments-title = { $count ->
    [0] Comments
    [one] { $count } comment
   *[other] { $count } comments
}
dlg-comments-unavailable = Comments are unavailable for a moment.
dlg-no-comment = No comment yet.
dlg-official-badge = Official word of the commune
dlg-replies-label = Replies
dlg-reply-summary = Reply
dlg-reply-title = Your reply
dlg-reply-button = Publish the reply
dlg-field-reply = Your reply
dlg-comment-title = Your comment
dlg-comment-button = Publish the comment
dlg-field-comment = Your comment
dlg-field-comment-hint = Public. Stay courteous: comments are moderated.
dlg-comment-signin = Sign in to comment.
dlg-comment-already = This comment is already published.
dlg-comment-hidden-because = Comment hidden by moderation: { $value }
dlg-hidden-because = Public reason: { $value }
dlg-author-you = You
dlg-author-official = The town hall
dlg-author-resident = Resident no. { $value }
dlg-flag-summary = Flag
dlg-flag-title = Flag content
dlg-flag-button = Flag to the moderators
dlg-field-flag-reason = What is wrong with this content?
dlg-flag-already = You have already flagged this content.
dlg-flagged-text = Thank you: your flag is sent to the moderators. It is not public.
dlg-hide-summary = Hide (moderation)
dlg-hide-title = Hide content
dlg-hide-button = Hide
dlg-field-hide-reason = Public reason for hiding
dlg-field-hide-reason-hint = Shown instead of the content and in the public moderation log.
dlg-hide-already = This content is already hidden.
dlg-hide-restored = This content was restored after an appeal: it can no longer be hidden.
dlg-appeal-summary = Appeal the hiding
dlg-appeal-title = Appeal a hiding
dlg-appeal-button = Send the appeal
dlg-field-appeal-reason = Why is this hiding not justified?
dlg-field-appeal-reason-hint = Your reasons go to the moderators; the public log only says that an appeal was made. A hiding can be appealed once.
dlg-appeal-already = You have already appealed this hiding: one appeal per hiding.
dlg-appeal-not-hidden = This content is not hidden: there is nothing to appeal.
dlg-appealed-text = Your appeal is sent to the moderators. Their decision will be public in the moderation log.
dlg-resolve-title = Decide an appeal
dlg-resolve-button = Publish the decision
dlg-resolve-decision = Decision
dlg-resolve-restore = Restore the content
dlg-resolve-dismiss = Keep it hidden
dlg-field-resolve-reason = Public reason for the decision
dlg-resolve-already = This appeal has already been decided.
dlg-resolve-none = There is no appeal to decide.
dlg-invalid-reason = Give a reason of 3 to 2,000 characters.
dlg-thanks-title = Thank you
dlg-back = Back
dlg-not-allowed = You do not hold the role needed to do this.
dlg-too-many = You have posted a lot in a short time: please wait a few minutes before posting again. Your text is kept below.
dlg-invalid-title = The title must be 3 to 150 characters long.
dlg-invalid-body = The text must be 1 to 5,000 characters long.
dlg-invalid-answer = Write the answer (at most 5,000 characters).
dlg-invalid-comment = Write a comment of at most 3,000 characters.
dlg-invalid-reply-to = Replies go to a first-level comment of this page only.
dlg-invalid-target = This content cannot be commented on.
dlg-invalid-report = Give a report of the commune: its id or the address of its page.
dlg-invalid-message = The message is too long (at most 2,000 characters).
dlg-log-citizen-title = Moderation log of the citizen space
dlg-log-official-title = Moderation log of the official space
dlg-log-citizen-intro = Every hiding of residents' questions, proposals and comments, every appeal and every decision, with its public reason.
dlg-log-official-intro = Every hiding of the commune's official words, every appeal and every decision, with its public reason.
dlg-log-empty = No moderation act yet.
dlg-log-caption = Moderation acts, newest first
dlg-log-when = Date
dlg-log-act = Act
dlg-log-what = Content
dlg-log-by = By
dlg-log-reason = Public reason
dlg-log-hidden = Hidden
dlg-log-appealed = Appealed by its author
dlg-log-restored = Restored
dlg-log-appeal-dismissed = Hiding upheld
dlg-by-author = the author
dlg-by-collective = the collective's moderation
dlg-by-commune = the town hall
dlg-what-question = a question
dlg-what-proposal = a proposal
dlg-what-comment = a comment
dlg-queue-title = Moderation
dlg-queue-intro = Content flagged by residents, oldest first, and the appeals to decide. The collective moderates residents' content, the town hall its own words.
dlg-appeals-title = Appeals to decide
dlg-no-appeal = No appeal waiting.
dlg-flagged-title = Flagged content
dlg-no-flagged = No flagged content.
dlg-flags = { $count ->
    [one] { $count } flag
   *[other] { $count } flags
}
dlg-last-flag = last on
dlg-official-content = official word
dlg-is-hidden = Hidden
dlg-other-space = For the other space's moderators.
dlg-settings-title = Dialogue — { $value }
dlg-settings-intro = The threshold applies to new proposals: each keeps the one in force when it was published.
dlg-settings-saved = The threshold is saved.
dlg-settings-button = Save
dlg-field-threshold = Number of supports that obliges the town hall to answer
dlg-field-threshold-hint = A whole number, from 1.
dlg-invalid-threshold = Give a whole number of supports, from 1.
dlg-settings-link = Dialogue: proposals threshold

## A publication's files (PDF documents and images)
pub-files-title = Documents and images
pub-files-added = Files added
pub-files-removed = Files removed
pub-files-removed-intro = They can still be read here: nothing that was published disappears.
pub-files-draft-intro = Attach PDF documents (at most 20 MB) or JPEG, PNG or WebP images (at most 5 MB), at most 10 files. Hidden information in images (place, camera) is removed.
pub-files-amend-intro = This item is published: adding or removing a file is a public amendment, with its summary in the history. A removed file can still be read from the history.
pub-no-file = No file attached.
pub-file-download = Download “{ $value }”
pub-file-fingerprint = File fingerprint
pub-file-fingerprint-intro = The SHA-256 fingerprint lets anyone check that a downloaded document is the one that was published.
pub-file-remove = Remove “{ $value }”
pub-file-remove-summary = Why remove “{ $value }”? (public, in the history)
pub-file-add-title = Attach a file
pub-field-file = File
pub-field-file-hint = A PDF document (at most 20 MB) or a JPEG, PNG or WebP image (at most 5 MB).
pub-field-file-alt = Description of the file
pub-field-file-alt-hint = Required for an image: say what it shows, for people who cannot see it. Optional for a PDF.
pub-file-add-button = Attach the file
pub-file-required = Choose the file to attach.
pub-file-too-large = This file is too large: at most 20 MB for a PDF, 5 MB for an image.
pub-file-invalid = This file is not accepted: send a complete PDF document, or a JPEG, PNG or WebP image.
pub-file-too-many = This item already has 10 files: remove one before adding another.
pub-file-alt-required = Describe what the image shows, for people who cannot see it.
pub-file-alt-too-long = The description must fit on one line, in at most 300 characters.
pub-file-summary-required = Summarise the change (at least 3 characters): it is public, in the history.
pub-size-bytes = { $value } bytes
pub-size-kb = { $value } kB
pub-size-mb = { $value } MB

## Search across a commune's publications, questions and proposals
search-title = Search
search-link = Search this commune
search-intro = Search the town hall's and the collective's publications, the questions asked to the town hall and the residents' proposals.
search-field = Words to search for
search-field-hint = Every word must appear; accents and capitals do not matter.
search-button = Search
search-results-for = Results for “{ $value }”
search-publications = Publications
search-questions = Questions
search-proposals = Proposals
search-none = No result.
search-more = More results: { $value }
search-all = All results
search-empty = Type one or more words to search for.
search-too-long = The search is too long: at most 200 characters.

## Notifications: following, subscriptions, preferences
nav-notifications = Notifications
follow-start = Follow
follow-stop = Stop following
follow-on = You follow this: you will hear about what happens to it.
follow-implicit = You follow this because you took part in it: you will hear about what happens to it.
follow-hint = Hear about answers, status changes and new comments.
follow-signin = Sign in to follow this and hear about what happens to it.
notif-title = My notifications
notif-intro = What you follow, your subscriptions, and how you want to hear about them.
notif-unavailable = Notifications are unavailable for a moment. Try again in a few minutes.
notif-saved = Your preferences are saved.
notif-subscribed = Your subscription is saved.
notif-cancelled = Your subscription is cancelled.
notif-preferences-title = How to hear about it
notif-cadence-legend = Receive e-mails
notif-cadence-hint = Whatever you choose, everything stays visible in your notifications on the site.
notif-cadence-immediately = At once, one e-mail per news
notif-cadence-daily = A daily digest
notif-cadence-weekly = A weekly digest
notif-cadence-never = Never
notif-invalid-cadence = Choose when to receive e-mails.
notif-locale = Language of the e-mails
notif-department-reports = Receive my department's new reports
notif-save = Save my preferences
notif-follows-title = What I follow
notif-follows-intro = You follow what you reported, asked, proposed or supported, and what you chose to follow.
notif-no-follow = You follow nothing yet.
notif-in-commune = Commune { $value }
notif-implicit = followed because you took part in it
notif-stop-following = Stop following “{ $value }”
notif-more-follows = Only the latest 50 are shown.
notif-kind-report = Report
notif-kind-question = Question
notif-kind-proposal = Proposal
notif-kind-publication = Publication
notif-subscriptions-title = My subscriptions
notif-no-subscription = No subscription yet.
notif-cancel = Cancel: { $value }
notif-subscribe-in = Subscribe to the news of commune { $value }
notif-subscribe-hint = Each commune has its subscriptions page, linked from its home page.
notif-sub-official = The whole official space (the town hall's publications)
notif-sub-citizen = The whole citizen space (reports, questions, proposals, the collective's posts)
notif-sub-category = New reports in the category “{ $value }”
notif-sub-area = New reports and projects within { $value }
notif-subscribe-title = Subscribe
notif-subscribe-intro = Hear about what appears in the commune: a whole space, a category of reports, or what happens near you.
notif-subscribe-signin = Sign in to subscribe
notif-see-mine = See my subscriptions and preferences
notif-space-title = A whole space
notif-subscribe-official = Subscribe to the official space
notif-subscribe-citizen = Subscribe to the citizen space
notif-category-title = A category of reports
notif-no-category = This commune has no report categories yet.
notif-field-category = Category
notif-subscribe-button = Subscribe
notif-area-title = A neighbourhood
notif-area-intro = A point and a radius: you will hear about new reports and projects there.
notif-field-latitude = Latitude
notif-field-latitude-hint = In decimal degrees, for example 48.8566 (a nearby report's page shows its point).
notif-field-longitude = Longitude
notif-field-radius = Radius, in metres
notif-field-radius-hint = From 1 to 5,000 metres.
notif-invalid-latitude = The latitude must be a number, for example 48.8566.
notif-invalid-longitude = The longitude must be a number, for example 2.3522.
notif-invalid-radius = The radius must be a whole number of metres, from 1 to 5,000.
invalid-radius_m = The radius must be a whole number of metres, from 1 to 5,000.
notif-too-many-subscriptions = You already have 50 subscriptions: cancel one before adding another.
notif-home-link = Get the news of this commune
notif-account-link = My notifications: what I follow, my subscriptions, my preferences
unsub-title = Unsubscribe
unsub-intro = This link comes from a Miroir e-mail. Confirm to stop this kind of e-mail: depending on the link, you stop following what the e-mail was about, or you receive no e-mail at all (your notifications stay visible on the site).
unsub-button = Confirm unsubscribing
unsub-hint = No sign-in needed. You can change your mind in your notifications.
unsub-done-title = Unsubscribed
unsub-done-all = You will receive no more e-mails from Miroir. Your notifications stay visible on the site.
unsub-done-follow = You no longer follow what the e-mail was about.
unsub-change = To change your mind:
unsub-invalid = This unsubscribe link is not valid. Manage your e-mails from your notifications, once signed in.
nav-unread = { $count ->
    [one] unread notification
   *[other] unread notifications
}
notif-feed-title = What's new
notif-feed-intro = What happened to what you follow and in your subscriptions, newest first.
notif-feed-empty = Nothing new yet.
notif-feed-new = new
notif-feed-mark-all = Mark all as read
notif-feed-marked = Everything is marked as read.
notif-feed-more = Only the latest 30 are shown.
notif-deliveries-title = My e-mails
notif-deliveries-intro = The e-mails Miroir sent you or will send you, and what became of them.
notif-deliveries-empty = No e-mail yet.
notif-delivery-state = State
notif-delivery-subject = Subject
notif-delivery-when = Date
notif-delivery-attempts = Attempts
notif-state-pending = waiting
notif-state-sending = being sent
notif-state-sent = sent
notif-state-retry = will be tried again
notif-state-failed = failed
notif-state-cancelled = not sent

## Webhooks (the commune administrator's page)
hook-link = Webhooks: deliveries to the town hall's systems
hook-title = Webhooks
hook-intro = Each event of the commune is sent to its integration clients' addresses, signed (the Standard Webhooks scheme) and sent again after a failure. An address that keeps failing is disabled, with the reason.
hook-endpoints-title = Receiving addresses
hook-none = No receiving address.
hook-client-is = Client { $value }
hook-events-are = Events: { $value }
hook-all-events = all
hook-enabled-state = Enabled: events are sent there.
hook-disabled-state = Disabled: { $value }
hook-disabled-auto = Disabled automatically: { $value }
hook-client-revoked = Its integration client was revoked: nothing is sent there any more.
hook-deliveries-title = Latest deliveries
hook-no-delivery = No delivery yet.
hook-event = Event
hook-attempts-log = Attempts
hook-attempt-n = Attempt { $value }
hook-replays = { $count ->
    [one] replayed once
   *[other] replayed { $count } times
}
hook-state-held = waiting for a replay
hook-disable-reason = Why disable it
hook-disable-button = Disable
hook-enable-button = Enable again
hook-rotate-button = Change the signing secret
hook-delete-button = Remove this address
hook-replay-title = Send again the events of a period
hook-replay-from = From
hook-replay-to = to
hook-replay-button = Send again
hook-invalid-range = Give two dates, the first before the second.
hook-create-title = Add a receiving address
hook-create-intro = For one of the commune's integration clients. The signing secret is shown once.
hook-no-client = First create an integration client on the administration page.
hook-field-client = Integration client
hook-field-url = Address (https)
hook-field-url-hint = A public https address, without credentials.
hook-field-types = Events to send
hook-field-types-hint = Comma-separated, for example report.submitted, report.resolved. Empty: all.
hook-create-button = Add
hook-created = Address added.
hook-disabled = Address disabled: nothing is sent there any more.
hook-enabled = Address enabled again: the next events will be sent there.
hook-rotated = New secret made; the old one still signs for 24 hours.
hook-deleted = Address removed.
hook-replay-started = The period's events are being sent again.
hook-secret-title = Signing secret
hook-secret-intro = Copy it now into the configuration of { $value }: it will never be shown again.

# Transparency: dashboards (issue 8)
footer-transparency = Transparency: the communes' figures
footer-open-data = Open data
landing-transparency = Transparency: compare the communes' figures
transparency-link = The commune's figures (transparency)
transparency-link-official = The town hall's response times and public figures
transparency-link-citizen = The public figures: reports, questions, proposals
tp-national-title = Transparency: all communes
tp-national-link = National transparency
tp-period = { $months ->
    [one] the current month ({ $last })
   *[other] the last { $months } months, from { $first } to { $last }
}
tp-period-is = Period: { $value }.
tp-computed-at = Figures computed on
tp-commitment-commune = { $count ->
    [one] The commune's commitment: a first response to every report within 1 day.
   *[other] The commune's commitment: a first response to every report within { $count } days.
}
tp-commitment-each = Each commune makes a public commitment on the time to a first response to reports; the figures are compared with each one's commitment.
tp-months-label = Number of months to show
tp-months-hint = A whole number from 1 to { $value }. The current month counts.
tp-months-button = Show
tp-downloads = Download these figures
tp-download-csv = This dashboard's figures as CSV (spreadsheet)
tp-download-json = The same figures as JSON
tp-download-events = The commune's public event log
tp-download-communes-csv = Each commune's figures as CSV
tp-download-communes-json = Each commune's figures as JSON
tp-downloads-licence = Open data under the Licence Ouverte 2.0: reuse it freely, citing the source.
tp-downloads-docs = What each file contains
tp-key-heading = At a glance
tp-key-communes = Communes on Miroir
tp-key-communes-detail = The figures on this page add up those of these communes.
tp-key-received = Reports received
tp-key-received-detail = Resolved in the period: { $resolved }. Rejected: { $rejected }.
tp-key-first-response = Median time to a first response
tp-key-first-response-detail = Half of the reports got a first response within { $median }; 9 in 10 within { $p90 }.
tp-key-first-response-none = No report of the period has had a response yet.
tp-key-commitment = Responses within the promised time
tp-key-commitment-detail = { $days ->
    [one] { $on_time } of { $due }: first response given within the promised day.
   *[other] { $on_time } of { $due }: first response given within the promised { $days } days.
}
tp-key-commitment-detail-each = { $on_time } of { $due }: first response given within the time the commune promised.
tp-key-commitment-none = No response is due yet.
tp-key-backlog = Reports waiting
tp-key-backlog-detail = Open today, whatever their date. The oldest has been waiting for { $value }.
tp-key-backlog-none = No report is waiting for an answer.
tp-key-questions = Public questions answered
tp-key-questions-detail = Median answer time: { $value }.
tp-key-questions-none = No answer in the period yet.
tp-key-budget = Planned project budgets
tp-key-budget-detail = Spent: { $spent }, for { $projects }.
tp-projects = { $count ->
    [one] { $count } published project
   *[other] { $count } published projects
}
tp-none = no data
tp-of = { $n } of { $of }
tp-and = and
tp-less-than-a-minute = less than a minute
tp-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
tp-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
tp-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
tp-reports-heading = Reports
tp-reports-intro = The problems residents reported, and what the town hall did about them. An anonymous report counts once its e-mail address is verified.
tp-received = Received
tp-resolved = Resolved
tp-rejected = Rejected
tp-open = Still open
tp-month = Month
tp-category = Category
tp-table-of = The figures of the chart "{ $value }"
tp-chart-months = Reports per month
tp-chart-months-note = Each month: the reports received, and those resolved or rejected that month.
tp-categories-heading = By category
tp-chart-categories = Reports per category
tp-chart-categories-note = The reports received in the period, and what became of them.
tp-no-category = No report received in the period.
tp-delays-heading = Times
tp-delays-intro = How long it took. The median is the middle time: half of the cases were faster. The 90th percentile is the time that 9 cases in 10 did not exceed.
tp-delays-caption = Response times
tp-delay = Time
tp-measured = Cases measured
tp-median = Median (half of the cases)
tp-p90 = 90th percentile (9 cases in 10)
tp-delay-first-response = First response to a report
tp-delay-resolution = Resolution of a report
tp-delay-question = Answer to a public question
tp-commitment-heading = The commune's commitment
tp-commitment-explained = A report counts as soon as the promised time has passed or a response came; it is "on time" if the first response came before the end of that time.
tp-commitment-caption = Responses within the promised time
tp-figure = Figure
tp-value = Value
tp-commitment-due = Reports whose response is due
tp-commitment-on-time = First response within the promised time
tp-commitment-share = Share within the promised time
tp-backlog-heading = Reports waiting, by age
tp-backlog-intro = The reports open today (no final answer), whatever their date, by how long they have been waiting.
tp-chart-backlog = Reports waiting, by age
tp-chart-backlog-note = Median age: { $median }. The oldest: { $oldest }.
tp-open-reports = Open reports
tp-age = Waiting
tp-age-under-7 = under 7 days
tp-age-7-30 = 7 to 30 days
tp-age-30-90 = 30 to 90 days
tp-age-over-90 = 90 days or more
tp-dialogue-heading = Questions and proposals
tp-questions-intro = The public questions asked to the commune in the period, and its official answers.
tp-questions-caption = Public questions
tp-questions-asked = Questions asked
tp-questions-answered = Questions with an official answer
tp-questions-on-time = Answers within the promised time
tp-questions-overdue = Unanswered questions past the promised time
tp-questions-redirected = Questions sent to a report
tp-proposals-intro = A residents' proposal that reaches its support threshold obliges the commune to answer before a public deadline.
tp-proposals-caption = Citizen proposals
tp-proposals-submitted = Proposals submitted
tp-proposals-reached = Proposals that reached their threshold
tp-proposals-on-time = Answered on time
tp-proposals-late = Answered late
tp-proposals-awaiting = Awaiting, deadline not passed
tp-proposals-overdue = Unanswered, deadline passed
tp-publications-heading = Publications
tp-publications-intro = What the two spaces publish: the town hall (official space) and the residents' collective (citizen space).
tp-chart-publications = Publications per month
tp-chart-publications-note = Publications of the official space and of the citizen space, month by month.
tp-official = Official
tp-citizen = Citizen
tp-budgets-heading = Project budgets
tp-budgets-intro = The amounts are those the town hall published for each project, as they stand today.
tp-budget-summary = { $projects }: { $planned } planned, { $spent } spent.
tp-budget-none = No project published yet.
tp-chart-budgets = Budgets planned and spent
tp-chart-budgets-note = { $count ->
    [one] All projects, then the project with the largest budget.
   *[other] All projects, then the { $count } projects with the largest budgets.
}
tp-all-projects = All projects
tp-planned = Planned
tp-spent = Spent
tp-project = Project
tp-status = Status
tp-progress = Progress
tp-projects-caption = The projects with the largest budgets
tp-project-planned = Planned
tp-project-in-progress = In progress
tp-project-done = Done
tp-project-abandoned = Abandoned
tp-communes-heading = Compare the communes
tp-communes-of = Communes of département { $value }
tp-communes-all = All communes, over the last 12 months
tp-communes-intro = Each commune's main figures over the last 12 months. Each name leads to the commune's dashboard.
tp-communes-total = { $count ->
    [one] { $count } commune.
   *[other] { $count } communes.
}
tp-communes-none = No commune of this département is on Miroir.
tp-communes-unavailable = The list of communes cannot be shown right now. Try again in a moment.
tp-communes-pages = Pages of the list of communes
tp-communes-first = First communes
tp-communes-next = Next communes
tp-col-commune = Commune
tp-col-departement = Département
tp-col-received = Reports received
tp-col-resolved = Resolved
tp-col-median = Median time to first response
tp-col-commitment = Responses within the promised time
tp-col-backlog = Waiting
tp-col-questions = Questions answered
tp-col-publications = Publications
tp-share-of = { $share } (of { $due })
tp-filter-label = Département
tp-filter-hint = Its code: two characters (75, 2A, 2B) or three overseas (971 to 976). Empty: all of France.
tp-filter-button = Filter
tp-filter-clear = All communes
tp-departement-link = The dashboard of département { $value }
tp-bad-departement-title = Unknown département
tp-bad-departement = A département code has two characters, 01 to 95, 2A or 2B, or three overseas, 971 to 976.
tp-bad-months-title = Impossible period
tp-bad-months = The number of months must be a whole number from 1 to { $value }.
tp-back-to-default = See the last 12 months
tp-how-heading = How to read these figures
tp-how-period = The period
tp-how-period-text = The figures cover { $value }, the current month included, in Paris time. A report counts in the month it is received, a resolution in the month it happens. Reports waiting and project budgets are today's.
tp-how-median = The median
tp-how-median-text = It is the middle value: half of the times are shorter or equal, the other half longer. Unlike an average, a few very long cases do not pull it up.
tp-how-p90 = The 90th percentile
tp-how-p90-text = It is the time that 9 cases in 10 did not exceed. It shows the slow cases without stopping at the worst one.
tp-how-method = How it is computed
tp-how-method-text = Nearest rank: the times are sorted from shortest to longest and the one whose rank is p% of the number of cases, rounded up, is taken. No hidden rounding, no interpolation: anyone can redo the computation from the open data.
tp-how-commitment = The commitment
tp-how-commitment-text = It is the commune's public promise: a first response to every report within a number of days it chose. A duplicate merged into another report does not count.
tp-how-source = Where the figures come from
tp-how-source-text = They are recomputed from the public event log (reports, publications, questions, proposals), which nobody can change afterwards.
tp-how-positions = Logs read up to these positions: { $value }.
tp-position = { $log }: { $position }
tp-log-identity = communes
tp-log-reports = reports
tp-log-publications = publications
tp-log-dialogue = questions and proposals

# Open data
od-title = Open data
od-intro = Every figure of the transparency dashboards can be downloaded, for each commune, each département and all of France, with each commune's public event log.
od-licence-heading = Licence
od-licence-text = The files are published under the
od-licence-how = You may copy, change and reuse them, commercially too, if you mention the source ("Miroir") and the date of the data (the computed_at field). Every file recalls the licence: in the JSON (licence field) and in the HTTP Link header (rel="license") for CSV and JSON Lines.
od-files-heading = The files
od-files-intro = Their addresses are stable. Replace {"{"}insee{"}"} with the commune's INSEE code (75056 for Paris) and {"{"}code{"}"} with the département's code (75, 2A, 974).
od-files-caption = Addresses of the files
od-address = Address
od-format = Format
od-content = Content
od-file-commune = A commune's dashboard. ?mois=N chooses the period (1 to 36 months).
od-file-departement = A département's dashboard (the sum of its communes on Miroir). ?mois=N too.
od-file-national = The national dashboard. ?mois=N too.
od-file-communes = Each commune's main figures, over the last 12 months, one line per commune. ?departement=75 for one département.
od-file-events = A commune's public events, in order, one JSON object per line: the log the figures come from.
od-files-example = Each dashboard links its own files.
od-period-heading = Period and method
od-period-text = By default the figures cover the last 12 months, the current one included, in Paris time; ?mois=N chooses 1 to { $value }. Any other value is refused (HTTP 400). Reports waiting and budgets are those of the moment of computation.
od-method-text = Medians and 90th percentiles are computed by the nearest-rank method on durations in seconds, without interpolation: the n durations are sorted and the one of rank ⌈p × n / 100⌉ is taken.
od-computed-text = Each file says when its figures were computed (computed_at) and how far each log was read (log_positions). A figure may be up to a minute behind the site.
od-formats-heading = Formats
od-format-json = JSON: UTF-8, the fields in the order of the list below; amounts in euros, durations in seconds, shares from 0 to 1.
od-format-csv = CSV: UTF-8 without BOM, comma, double quotes and CRLF line ends (RFC 4180), a header line, decimal point. A cell that starts with =, +, -, @ or a tab gets an apostrophe in front, so that a spreadsheet does not run it as a formula.
od-format-jsonl = JSON Lines: one JSON object per line, sent as it is read (type application/x-ndjson).
od-format-headers = The files can be read from any site (Access-Control-Allow-Origin: *) and may be cached for a minute. An unknown commune or département gives a 404 error.
od-fields-heading = The fields
od-field = Field
od-meaning = Meaning
od-dashboard-fields = Dashboard (JSON)
od-dashboard-fields-intro = In the CSV each figure is a line: the indicator column gives the field's path (without brackets), breakdown and label say which line of a list it belongs to.
od-csv-fields = Dashboard (CSV): the columns
od-communes-fields = Each commune (communes.json and communes.csv)
od-communes-fields-intro = The CSV has one line per commune and one column per field; the JSON puts the same lines in the communes list.
od-communes-wrapper = communes.json: the envelope
od-event-fields = Event log (evenements.jsonl)
od-event-privacy = No personal data: no account id, no e-mail address, no text written by a resident (titles and descriptions of reports, questions, proposals, comments). An anonymous report appears only once its address is verified.
od-event-types = Event types and their details
