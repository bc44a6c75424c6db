"""The programs' pages, by audience and subject: calls (anyone; a member sees its eligibility), applications
(the applicant, its partners, its evaluators, the staff) and staff (programs and their calls)."""
