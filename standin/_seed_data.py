"""Data of the seed article, copied from tests/files/article.html, a page modelled on the MONRE portal (which of
its parts are observed and which assumed: monre_crawler/sites/monre.py)."""

SEED_SLUG = "tang-cuong-va-doi-moi-cong-tac-dan-van"
SEED_TITLE = "Tăng cường và đổi mới công tác dân vận"
SEED_CATEGORY = "Tin tức - Sự kiện"
SEED_SOURCE_LINE = "Theo Monre"
SEED_PARAGRAPHS = [
    'Ngày 31/3/2014, tại Hà Nội, Đảng ủy Bộ TN&MT tổ chức Hội nghị Triển khai kế hoạch “Năm tăng cường và đổi mới công tác dân vận” và Tập huấn nâng cao nhận thức về công tác dân vận của cơ quan Nhà nước.',
    'Phát biểu tại Hội nghị, Bí thư Đảng ủy, Thứ trưởng Bộ TN&MT Nguyễn Mạnh Hiển cho biết, trong quá trình lãnh đạo cách mạng, Đảng ta luôn xác định công tác dân vận là nhiệm vụ có ý nghĩa chiến lược; Là điều kiện quan trọng bảo đảm sự lãnh đạo của Đảng, củng cố và tăng cường mối quan hệ giữa Đảng, Nhà nước và nhân dân.',
    'Tại Hội nghị lần này, các đại biểu đã được nghe các chuyên đề về Công tác dân vận của cơ quan Nhà nước; Chuyên đề Xây dựng và thực hiện quy chế dân chủ cơ sở; Chuyên đề năm 2014 “Học tập và làm theo tấm gương đạo đức Hồ Chí Minh về nêu cao tinh thần, trách nhiệm, chống chủ nghĩa cá nhân, nói đi đôi với làm”.',
    'Nổi bật là công tác triển khai Kế hoạch số 1171-KH/ĐU của Ban Thường vụ Đảng ủy Bộ TN&MT về triển khai “Năm tăng cường và đổi mới công tác dân vận”. Kế hoạch tập trung vào 2 mục tiêu cơ bản:',
    'Tiếp tục nâng cao nhận thức, trách nhiệm của các cấp ủy, tổ chức Đảng, cơ quan, đoàn thể về công tác dân vận; Xóa bỏ nhận thức “Công tác dân vận là trách nhiệm của các tổ chức Đảng, đoàn thể”, thay vào đó là “Công tác dân vận là trách nhiệm của cả hệ thống chính trị, của cán bộ, đảng viên, công chức, viên chức, đoàn viên, hội viên các đoàn thể nhân dân… Trong đó, Đảng lãnh đạo, chính quyền tổ chức thực hiện, Mặt trận đoàn thể làm tham mưu nòng cốt”;',
    'Đẩy mạnh công tác dân vận của cơ quan Nhà nước, thực hiện tốt Quy chế dân chủ ở cơ sở, tạo sự chuyển biến về cải cách thủ tục hành chính; Nâng cao chất lượng tham mưu; Xây dựng và ban hành văn bản quy phạm pháp luật; Nâng cao chất lượng đội ngũ cán bộ công chức, viên chức; Nêu cao đạo đức công vụ, chống quan liêu, hách dịch, cửa quyền.',
    'Để cụ thể hóa và thực hiện hiệu quả công tác này, Bí thư Đảng ủy, Thứ trưởng Nguyễn Mạnh Hiển đề nghị các cấp ủy, thủ trưởng các cơ quan, đơn vị các đoàn thể cần thực hiện tốt 5 nội dung trọng tâm, bao gồm: Tiếp tục tổ chức học tập, nghiên cứu quán triệt các Nghị quyết, chỉ thị, quy định của Đảng, Nhà nước về công tác dân vận; Đổi mới phương thức lãnh đạo của các cấp ủy, nâng cao ý thức, trách nhiệm của đội ngũ cấp ủy, người đứng đầu cấp ủy và cơ quan, đơn vị đối với công tác dân vận… phấn đấu trong năm 2014, 100% các chi bộ trong Đảng bộ Bộ TN&MT sinh hoạt chuyên đề về công tác dân vận; Cấp ủy phối hợp với thủ trưởng cơ quan, đơn vị chỉ đạo thực hiện tốt Quy chế dân chủ cơ sở với các nhiệm vụ cụ thể, thiết thực…; Tập trung chỉ đạo thực hiện thắng lợi Kế hoạch cải cách hành chính năm 2014…; Nêu cao ý thức trách nhiệm, thực hành đạo đức công vụ, xây dựng đội ngũ cán bộ thật sự là công bộc của dân…',
]
SEED_IMAGES = [
    ('/PublishingImages/2014/03/31/dan-van-1.jpg', 'Bí thư Đảng ủy, Thứ trưởng Bộ TN&MT Nguyễn Mạnh Hiển phát biểu tại Hội nghị'),
    ('/PublishingImages/2014/03/31/dan-van-2.jpg', 'Toàn cảnh Hội nghị'),
]
SEED_IMAGE_POSITIONS = (2, 6)
